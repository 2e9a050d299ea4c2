import ImageModels
import TensorMath
import Testing

/// Reading layer specifications: every layer and option, the canonical text, and errors that
/// say where (the character) and why.
@Suite struct LayerSpecificationParserTests {
    typealias Spec = LayerSpecification

    @Test func readsEveryLayerAndOption() throws {
        let spec = try Spec(
            parsing: """
                conv 8 3x3 same, relu, conv 16 5x3 padding=2x1 stride=2 dilation=1x2 bias=no
                leakyrelu 0.2, tanh, sigmoid  # a comment
                maxpool, avgpool 3 stride=1 padding=1, sumpool 2x1, globalavgpool, batchnorm
                dropout, dropout 0.25, flatten, dense 10 bias=no,
                residual(conv 4 3x3 same, BatchNorm) shortcut=zeropad relu=no, RESIDUAL(relu)
                """)
        #expect(
            spec.layers == [
                .convolution(.init(outputChannels: 8, kernel: 3, padding: .same)), .relu,
                .convolution(
                    .init(
                        outputChannels: 16, kernel: Size2D(5, 3), stride: 2,
                        padding: .explicit(Size2D(2, 1)), dilation: Size2D(1, 2), bias: false)),
                .leakyReLU(slope: 0.2), .tanh, .sigmoid,
                .pooling(.init(kind: .max)),
                .pooling(.init(kind: .average, size: 3, stride: 1, padding: 1)),
                .pooling(.init(kind: .sum, size: Size2D(2, 1))),
                .globalAveragePooling, .batchNorm, .dropout(rate: 0.5), .dropout(rate: 0.25),
                .flatten, .dense(units: 10, bias: false),
                .residual(
                    .init(
                        body: [
                            .convolution(.init(outputChannels: 4, kernel: 3, padding: .same)),
                            .batchNorm,
                        ], shortcut: .zeropad, finalReLU: false)),
                .residual(.init(body: [.relu])),
            ])
    }

    @Test func theCanonicalTextReadsBackAsTheSameSpecification() throws {
        let text =
            "conv 16 5x3 padding=2x1 stride=2 dilation=1x2 bias=no, leakyrelu 0.2, "
            + "avgpool 3 stride=1 padding=1, sumpool 2x1, dropout 0.5, flatten, dense 10 bias=no, "
            + "residual(conv 4 3x3 same, batchnorm) shortcut=zeropad relu=no, conv 3 1x1"
        let spec = try Spec(parsing: text)
        #expect(spec.description == text)
        #expect(try Spec(parsing: spec.description) == spec)
        // Other spellings of the same network print the same canonical text.
        let loose = try Spec(parsing: "CONV 8 3 valid , maxpool 2 stride=2\n\n dense 4 bias=yes")
        #expect(loose.description == "conv 8 3x3, maxpool 2, dense 4")
        #expect(try Spec(parsing: "relu; flatten").description == "relu, flatten")
    }

    /// Each bad text fails at the character of the culprit, with the reason.
    @Test(arguments: [
        ("conv 8 3y3", 8, "3y3", "kernel size"),
        ("relu, conv 8", 7, "conv", "needs its kernel size"),
        ("conv 0 3x3", 6, "0", "output channels"),
        ("conv 8 3x3 stride=0", 12, "stride=0", "stride"),
        ("conv 8 3x3 same valid", 17, "valid", "padding given twice"),
        ("conv 8 3x3 paddding=1", 12, "paddding=1", "unknown option"),
        ("conv 8 3x3 stride=2 stride=1", 21, "stride=1", "given twice"),
        ("relu 2", 6, "2", "unexpected value for relu"),
        ("relu, softmax", 7, "softmax", "unknown layer 'softmax'"),
        ("dropout 1.5", 9, "1.5", "rate in [0, 1)"),
        ("dense 10 bias=maybe", 10, "bias=maybe", "yes or no"),
        ("dense 99999999999999999999", 7, "99999999999999999999", "whole number"),
        ("relu,, flatten", 6, ",", "a layer must follow ','"),
        ("relu flatten", 6, "flatten", "unknown word"),
        ("relu,", 6, "", "a layer must follow ','"),
        ("", 1, "", "no layers"),
        ("  # only a comment", 19, "", "no layers"),
        ("residual(relu", 14, "", "not closed"),
        ("residual relu", 10, "relu", "in parentheses"),
        ("residual()", 9, "(", "at least one layer"),
        ("relu)", 5, ")", "without a matching"),
        ("dense(10)", 6, "(", "only residual"),
        ("residual(relu) shortcut=sideways", 16, "shortcut=sideways", "identity, projection"),
        ("maxpool 2 padding=-1", 11, "padding=-1", "padding"),
    ])
    func badTextsSayWhereAndWhy(
        _ text: String, _ position: Int, _ token: String, _ reason: String
    ) {
        do {
            let spec = try Spec(parsing: text)
            Issue.record("'\(text)' parsed as \(spec)")
        } catch let .syntax(actualPosition, actualToken, actualReason)
            as LayerSpecificationError
        {
            #expect(actualPosition == position, "\(text): \(actualReason)")
            #expect(actualToken == token, "\(text): \(actualReason)")
            #expect(actualReason.contains(reason), "\(text): \(actualReason)")
        } catch {
            Issue.record("'\(text)': \(error)")
        }
    }

    @Test func theMessageNamesTheCharacterAndTheToken() {
        let error = LayerSpecificationError.syntax(
            position: 8, token: "3y3", reason: "conv: kernel size: expected N or HxW")
        #expect(
            "\(error)"
                == "layer specification, at character 8 ('3y3'): conv: kernel size: expected N "
                + "or HxW")
        #expect(
            "\(LayerSpecificationError.syntax(position: 5, token: "", reason: "no layers"))"
                == "layer specification, at the end: no layers")
    }

    @Test func hostileTextsAreRefusedQuickly() {
        let long = String(repeating: "relu, ", count: 20_000)
        #expect(throws: LayerSpecificationError.self) { try Spec(parsing: long) }
        let deep =
            String(repeating: "residual(", count: 40) + "relu" + String(repeating: ")", count: 40)
        do {
            _ = try Spec(parsing: deep)
            Issue.record("40 nested blocks parsed")
        } catch let .syntax(position, _, reason) as LayerSpecificationError {
            #expect(position == 16 * 9 + 9)
            #expect(reason.contains("nest more than 16"))
        } catch {
            Issue.record("\(error)")
        }
        let nested =
            String(repeating: "residual(", count: 16) + "relu" + String(repeating: ")", count: 16)
        #expect((try? Spec(parsing: nested)) != nil)
    }
}
