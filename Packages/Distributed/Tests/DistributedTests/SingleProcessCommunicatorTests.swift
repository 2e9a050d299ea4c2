import Distributed
import Testing

/// The single-process communicator: rank 0 of 1, every collective the identity.
struct SingleProcessCommunicatorTests {
    @Test func isRankZeroOfOne() {
        let communicator = SingleProcessCommunicator()
        #expect(communicator.rank == 0 && communicator.size == 1 && communicator.isRoot)
    }

    @Test func sumsAndBroadcastsLeaveTheValues() throws {
        let communicator = SingleProcessCommunicator()
        var floats: [Float] = [1.5, -2, .pi]
        try communicator.allReduceSum(&floats)
        #expect(floats == [1.5, -2, .pi])
        var doubles: [Double] = [1e300, 3]
        try communicator.allReduceSum(&doubles)
        #expect(doubles == [1e300, 3])
        try communicator.broadcast(&floats, root: 0)
        #expect(floats == [1.5, -2, .pi])
        try communicator.barrier()
        try communicator.finish()
    }

    @Test func rejectsARootOutsideTheRanks() {
        let communicator = SingleProcessCommunicator()
        var floats: [Float] = [1]
        #expect(throws: DistributedError.self) { try communicator.broadcast(&floats, root: 1) }
    }

    /// Not launched by mpirun (the test runner is not an MPI rank): no MPI.
    @Test(.enabled(if: DistributedEnvironment.launchedSize == nil))
    func aPlainProcessGetsTheSingleProcessCommunicator() throws {
        #expect(try DistributedEnvironment.communicator() is SingleProcessCommunicator)
        #expect(DistributedEnvironment.localSize == 1)
    }

    @Test func errorsNameTheOperation() {
        let error = DistributedError.mpi(operation: "MPI_Barrier", code: 15, message: "gone")
        #expect("\(error)" == "MPI_Barrier failed (MPI error 15): gone")
    }
}
