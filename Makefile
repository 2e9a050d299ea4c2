# SwiftCNN: the two commands a newcomer needs are `make demo` and `make test`.
.PHONY: all demo test bench fuzz sanitize docs bootstrap build clean

all: demo

bootstrap:
	@Tools/bootstrap

build: bootstrap
	swift build -c release

## demo: build in release mode and run the main job
demo: bootstrap
	@Tools/demo

## test: run every package's tests and the end-to-end tests
test: bootstrap
	@Tools/test-all

## bench: release-build benchmarks, with ratios against PyTorch when it is installed
bench: bootstrap
	@Tools/bench

## fuzz: libFuzzer on every parser (Tools/fuzz; FUZZ_SECONDS per target, default 60)
fuzz: bootstrap
	@Tools/fuzz

## sanitize: the C kernels' and codecs' packages tested under AddressSanitizer and UBSan
sanitize: bootstrap
	@Tools/sanitize

## docs: the DocC documentation of TensorMath, NeuralNet, Datasets and Checkpoints, as static
## HTML in .build/docs/<Package>/ (Tools/docs; it says how to open them)
docs: bootstrap
	@Tools/docs

clean:
	rm -rf .build Packages/*/.build
