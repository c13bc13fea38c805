"""Helpers of the scripts in scripts/: sweeps (sweepfile, runner, backends, aggregate), regression
comparisons (compare), statistics (stats), and plots (plots and plot_*). Standard library and
numpy only; modules import nothing heavy at package import."""
