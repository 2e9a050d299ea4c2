import ProtocolBuffers

extension ONNXGraph {
    /// The model as an ONNX file's bytes (a serialized `ModelProto`). The same graph always
    /// gives the same bytes: fields in field-number order, metadata sorted by key.
    public func modelBytes() -> [UInt8] {
        var model = ProtoWriter()
        model.varint(1, Int64(Self.irVersion))  // ir_version
        model.string(2, producerName)  // producer_name
        model.string(3, producerVersion)  // producer_version
        model.message(7, graphMessage())  // graph
        var opset = ProtoWriter()
        opset.string(1, "")  // domain: the default ONNX operator set
        opset.varint(2, Int64(Self.opsetVersion))  // version
        model.message(8, opset)  // opset_import
        for (key, value) in metadata.sorted(by: { $0.key < $1.key }) {
            var entry = ProtoWriter()
            entry.string(1, key)
            entry.string(2, value)
            model.message(14, entry)  // metadata_props
        }
        return model.data
    }

    private func graphMessage() -> ProtoWriter {
        var graph = ProtoWriter()
        for node in nodes { graph.message(1, Self.nodeMessage(node)) }  // node
        graph.string(2, name)  // name
        for tensor in initializers { graph.message(5, Self.tensorMessage(tensor)) }  // initializer
        graph.message(11, Self.valueInfoMessage(input))  // input
        graph.message(12, Self.valueInfoMessage(output))  // output
        return graph
    }

    private static func nodeMessage(_ node: ONNXNode) -> ProtoWriter {
        var message = ProtoWriter()
        for input in node.inputs { message.string(1, input) }
        for output in node.outputs { message.string(2, output) }
        message.string(3, node.name)
        message.string(4, node.opType)
        for (name, value) in node.attributes {
            var attribute = ProtoWriter()
            attribute.string(1, name)
            switch value {
            case let .float(f):
                attribute.float(2, f)
                attribute.varint(20, 1)  // FLOAT
            case let .int(i):
                attribute.varint(3, Int64(i))
                attribute.varint(20, 2)  // INT
            case let .string(s):
                attribute.string(4, s)
                attribute.varint(20, 3)  // STRING
            case let .ints(values):
                attribute.packedVarints(8, values.map(Int64.init))
                attribute.varint(20, 7)  // INTS
            }
            message.message(5, attribute)
        }
        return message
    }

    private static func tensorMessage(_ tensor: ONNXInitializer) -> ProtoWriter {
        var message = ProtoWriter()
        message.packedVarints(1, tensor.shape.map(Int64.init))  // dims
        var raw: [UInt8] = []
        switch tensor.values {
        case let .float(values):
            message.varint(2, 1)  // data_type FLOAT
            raw.reserveCapacity(values.count * 4)
            for value in values {
                withUnsafeBytes(of: value.bitPattern.littleEndian) { raw.append(contentsOf: $0) }
            }
        case let .int64(values):
            message.varint(2, 7)  // data_type INT64
            raw.reserveCapacity(values.count * 8)
            for value in values {
                withUnsafeBytes(of: value.littleEndian) { raw.append(contentsOf: $0) }
            }
        }
        message.string(8, tensor.name)  // name
        message.bytes(9, raw)  // raw_data
        return message
    }

    private static func valueInfoMessage(_ value: ONNXValueInfo) -> ProtoWriter {
        var shape = ProtoWriter()
        var batch = ProtoWriter()
        batch.string(2, "N")  // dim_param
        shape.message(1, batch)
        for size in value.sampleShape {
            var dimension = ProtoWriter()
            dimension.varint(1, Int64(size))  // dim_value
            shape.message(1, dimension)
        }
        var tensorType = ProtoWriter()
        tensorType.varint(1, 1)  // elem_type FLOAT
        tensorType.message(2, shape)
        var type = ProtoWriter()
        type.message(1, tensorType)  // tensor_type
        var info = ProtoWriter()
        info.string(1, value.name)
        info.message(2, type)
        return info
    }
}
