"""Helpers of the scripts in scripts/: sweeps (sweepfile, runner, backends, aggregate, quantities),
regression comparisons (compare), statistics (stats, on scipy), plots (plots and plot_*, on
matplotlib), and the check that the running python3 has those packages (requires). Modules
import nothing heavy at package import."""
