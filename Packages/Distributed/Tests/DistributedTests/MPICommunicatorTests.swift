import Testing

/// The MPI communicator, through `DistributedCheck` under `mpirun -np N --oversubscribe`
/// (skipped, saying why, when Open MPI's `mpirun` is not installed).
@Suite(.enabled(if: MPIRun.mpirun != nil, "mpirun is not installed (apt-get install openmpi-bin)"))
struct MPICommunicatorTests {
    /// Sums of 0 to 100,003 floats equal the rank-order sum bit for bit on every rank, for 2
    /// and 3 ranks (3: where the order of additions matters); broadcasts and a barrier.
    @Test(arguments: [2, 3]) func collectivesAreExactOnEveryRank(ranks: Int) throws {
        let job = try MPIRun.run("DistributedCheck", ["collectives"], ranks: ranks, deadline: 60)
        #expect(job.status == 0, "\(job.output)\n\(job.error)")
        for rank in 0..<ranks {
            #expect(job.output.contains("rank \(rank) of \(ranks): ok"), "\(job.output)")
        }
    }

    /// A small MLP trained by 2 and 3 ranks through `DataParallelReducer` (each on its share of
    /// every batch, a last batch of 6) has the same weights on every rank, within 1e-5 of one
    /// process on the whole batches, though the other ranks started from other weights.
    @Test(arguments: [2, 3]) func dataParallelTrainingMatchesOneProcess(ranks: Int) throws {
        let job = try MPIRun.run("DistributedCheck", ["train"], ranks: ranks, deadline: 60)
        #expect(job.status == 0, "\(job.output)\n\(job.error)")
        for rank in 0..<ranks {
            #expect(job.output.contains("rank \(rank) of \(ranks): ok"), "\(job.output)")
        }
    }

    /// A rank killed by SIGKILL while the other waits in a sum ends the job with a non-zero
    /// status within seconds, mpirun naming the rank and the signal.
    @Test func aKilledRankEndsTheJob() throws {
        let job = try MPIRun.run("DistributedCheck", ["die"], ranks: 2, deadline: 30)
        #expect(job.status != 0 && job.status != -1, "status \(job.status)")
        #expect(job.seconds < 15, "took \(job.seconds) s")
        #expect(job.error.contains("rank 1") && job.error.contains("signal 9"), "\(job.error)")
    }

    /// A rank that fails and aborts ends the job with its status within seconds.
    @Test func anAbortingRankEndsTheJob() throws {
        let job = try MPIRun.run("DistributedCheck", ["fail"], ranks: 2, deadline: 30)
        #expect(job.status == 3, "status \(job.status): \(job.error)")
        #expect(job.seconds < 15, "took \(job.seconds) s")
        #expect(job.error.contains("rank 1: failing on purpose"), "\(job.error)")
    }
}
