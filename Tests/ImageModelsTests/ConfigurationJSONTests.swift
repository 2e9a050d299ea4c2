import Foundation
import ImageModels
import Testing

/// The configurations' JSON is the model-file format: these are the exact bytes (sorted keys,
/// as model files write them) written before the configurations lost their hand-written
/// decoders, so old model files and new ones agree key for key.
@Suite struct ConfigurationJSONTests {
    static func json<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    @Test func defaultConfigurationsEncodeAsModelFilesStoreThem() throws {
        #expect(
            try Self.json(LeNet5.Configuration())
                == #"{"activation":"relu","classCount":10,"inputChannels":1,"inputSize":28,"#
                + #""pooling":"max"}"#)
        #expect(
            try Self.json(MLP.Configuration())
                == #"{"activation":"relu","classCount":10,"dropout":0,"hiddenSizes":[74,40],"#
                + #""inputShape":[1,28,28]}"#)
        #expect(
            try Self.json(MNISTNet.Configuration())
                == #"{"classCount":10,"dropout":0.25,"hiddenUnits":128,"width":16}"#)
        #expect(
            try Self.json(FourClassNet.Configuration())
                == #"{"classCount":4,"convolutions":[1,2,2,1],"dropout":0.1,"inputChannels":3,"#
                + #""widths":[32,64,128,256]}"#)
        #expect(
            try Self.json(CIFARResNet.Configuration())
                == #"{"classCount":10,"depth":20,"inputChannels":3,"residual":true,"width":16}"#)
    }

    @Test func customConfigurationsEncodeEveryField() throws {
        let lenet = LeNet5.Configuration(
            activation: .tanh, pooling: .average, inputChannels: 3, inputSize: 32, classCount: 4)
        #expect(
            try Self.json(lenet)
                == #"{"activation":"tanh","classCount":4,"inputChannels":3,"inputSize":32,"#
                + #""pooling":"average"}"#)
        #expect(
            try Self.json(MLP.Configuration(hiddenSizes: [100], dropout: 0.2))
                == #"{"activation":"relu","classCount":10,"dropout":0.2,"hiddenSizes":[100],"#
                + #""inputShape":[1,28,28]}"#)
    }
}
