// AppSupport: the pieces the command-line apps (`mnist`, `four-class`, …) share. An overview
// of the module, whose types are documented where they are declared:
//
// - Running a command: ``CommandRunner`` maps outcomes to exit codes (0 success, 1 a failed
//   input or run, 2 a usage error) and keeps standard output line-buffered; ``AppError`` is a
//   failed run with a message for the user.
// - Data: ``DataLocation`` resolves `--data`, an environment variable, then a default, and
//   explains how to get a missing data set; ``SubsetSource`` and ``ValidationSplit`` hold out
//   a seeded validation set.
// - Training: ``TrainingSettings`` (a run's settings, one name each: app defaults, flags,
//   checkpoints), ``TrainingOptions`` (the shared flags), ``TrainingConfiguration`` (the
//   settings resolved for the data, stored in checkpoints), ``ArchitectureOptions`` (the network
//   flags: `--layers`, `--activation`, `--pooling`, `--dropout`, `--batch-norm`,
//   `--print-layers`), ``TrainingSession`` (a thin user of
//   NeuralNet's Trainer: validation split, optimizer, schedule, early stopping, epoch log,
//   per-epoch checkpoints, exact resume from a ``SavedRun``, the final self-describing model
//   file), ``TrainingConsole`` (the progress bar and Ctrl-C every training command shows).
// - Processes: ``Processes`` starts an `mpirun` job (MPI only under mpirun), gives each rank
//   its threads and silences the other ranks' output; ``TrainingSession`` and skip-connections
//   then train data-parallel through `DistributedTraining`.
// - Output: ``ProgressBar`` (standard error, terminals only), ``JSONLinesLog`` and
//   ``EpochLogRecord`` (one JSON object per epoch), ``EvaluationReport`` (accuracy,
//   confusion matrix, per-class precision and recall, as text or JSON).
// - Pictures: ``LinePlot`` (panels of curves, written as PNG with a built-in bitmap font and
//   as SVG), ``TrainingCurvesPlot`` (loss and accuracy per epoch, `--plot`). What each layer
//   sees (`classify --visualize`) is drawn by `ImageClassification`.
