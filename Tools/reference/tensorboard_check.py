"""Reads a `--tensorboard DIR` folder back with the tensorboard package (never run in CI).

    mnist train --architecture lenet5 --epochs 2 --train-subset 2000 --tensorboard tb ...
    python3 Tools/reference/tensorboard_check.py tb

Prints the scalar, histogram and image tags TensorBoard finds, and checks that every epoch
has its scalars, histograms and feature maps and every optimizer step its batch scalars.
"""
import sys

from tensorboard.backend.event_processing.event_accumulator import EventAccumulator


def main(folder):
    events = EventAccumulator(folder, size_guidance={"scalars": 0, "histograms": 0, "images": 0})
    events.Reload()
    tags = events.Tags()
    epochs = [s.step for s in events.Scalars("epoch_loss")]
    steps = [s.step for s in events.Scalars("batch_loss")]
    print("scalars:", ", ".join(sorted(tags["scalars"])))
    print(f"epochs {epochs}, optimizer steps {steps[0]}..{steps[-1]} ({len(steps)})")
    print(f"histograms: {len(tags['histograms'])} tags, e.g. {sorted(tags['histograms'])[0]}")
    print("images:", ", ".join(tags["images"]))
    assert steps == list(range(1, len(steps) + 1)), "a batch_loss per optimizer step"
    for tag in tags["histograms"]:
        assert [h.step for h in events.Histograms(tag)] == epochs, tag
    for tag in tags["images"]:
        images = events.Images(tag)
        assert [i.step for i in images] == epochs, tag
        assert images[-1].encoded_image_string[:4] == b"\x89PNG", tag
    weights = events.Histograms(sorted(t for t in tags["histograms"] if t.startswith("weights/"))[0])
    print(f"last histogram: {weights[-1].histogram_value.num:.0f} values in "
          f"{len(weights[-1].histogram_value.bucket)} buckets")
    print("ok: TensorBoard reads every event")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "tb")
