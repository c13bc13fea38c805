// `clustersim compress`: one compression scheme alone on synthetic vectors, to choose its
// parameters before a long run; `--calibrate` measures every scheme's per-coordinate costs and
// prints the cost profile the simulator reads (profiles/compression_costs.json).
#include <boost/program_options.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "compression/measure.hpp"
#include "compression/scheme.hpp"

namespace po = boost::program_options;

namespace cs::cli {
namespace {

std::string nanoseconds(double seconds) { return fmt::format("{:.4g}ns", seconds * 1e9); }

nlohmann::json calibrate(compression::MeasureOptions o) {
  nlohmann::json schemes = nlohmann::json::object();
  for (std::string_view name : compression::scheme_names()) {
    o.scheme.name = std::string(name);
    const compression::MeasureResult r = compression::measure(o);
    schemes[o.scheme.name] = {{"encode", nanoseconds(r.encode_s_per_coord)},
                              {"add", nanoseconds(r.add_s_per_coord)},
                              {"finish", nanoseconds(r.finish_s_per_coord)},
                              {"decode", nanoseconds(r.decode_s_per_coord)}};
  }
  return {{"description",
           "Seconds per gradient coordinate of each scheme's work, measured on the compression module itself (one "
           "core). encode and decode: per worker; add: per contribution at the aggregator; finish: once per round at "
           "the aggregator (re-compression for the downstream)."},
          {"measured_with", fmt::format("clustersim compress --calibrate --dim {} --workers {} --rounds {} (default "
                                        "parameters of each scheme)",
                                        o.dim, o.workers, o.rounds)},
          {"machine", ""},
          {"schemes", schemes}};
}

}  // namespace

int cmd_compress(const std::vector<std::string>& args) {
  compression::MeasureOptions o;
  compression::SchemeConfig& c = o.scheme;
  std::string machine;
  po::options_description opts("compress options");
  opts.add_options()("scheme", po::value(&c.name)->default_value(c.name), fmt::format("the compression scheme: {}", compression::schemes().listing(", ")).c_str())(
      "bits", po::value(&c.bits)->default_value(c.bits), "THC/UHC: bits per coordinate")(
      "granularity", po::value(&c.granularity)->default_value(c.granularity), "THC/UHC: table granularity")(
      "clip", po::value(&c.clip_probability)->default_value(c.clip_probability), "THC/UHC: clipping probability")(
      "partition", po::value(&c.partition)->default_value(c.partition), "coordinates per partition (a power of two)")(
      "topk-ratio", po::value(&c.topk_ratio)->default_value(c.topk_ratio), "TopK: share of coordinates sent")(
      "qsgd-levels", po::value(&c.qsgd_levels)->default_value(c.qsgd_levels), "QSGD: quantization levels")(
      "downstream-bits", po::value(&c.downstream_bits)->default_value(c.downstream_bits), "bits per coordinate sent back")(
      "error-feedback", po::value(&c.error_feedback)->default_value(c.error_feedback), "1: carry each round's error over")(
      "workers", po::value(&o.workers)->default_value(o.workers), "workers whose vectors are aggregated (1-4096)")(
      "dim", po::value(&o.dim)->default_value(o.dim), "coordinates per vector (1-2^28)")(
      "dist", po::value(&o.dist)->default_value(o.dist), "the vectors' distribution: gaussian or lognormal")(
      "seed", po::value(&o.seed)->default_value(o.seed), "random seed")(
      "rounds", po::value(&o.rounds)->default_value(o.rounds), "rounds measured (1-1000)")(
      "calibrate", "measure every scheme's per-coordinate costs and print them as a cost profile")(
      "machine", po::value(&machine), "with --calibrate: a description of this machine to record")("help,h", "this help");
  const po::variables_map vm = parse_options(args, opts);
  if (vm.count("help")) {
    print_help("clustersim compress [options]",
               "Runs one compression scheme on synthetic vectors and prints one JSON object (its error, sizes and costs).",
               opts);
    return 0;
  }
  if (o.workers < 1 || o.workers > 4096) throw UsageError("--workers must be between 1 and 4096");
  if (o.dim < 1 || o.dim > (std::size_t(1) << 28)) throw UsageError("--dim must be between 1 and 2^28");
  if (o.rounds < 1 || o.rounds > 1000) throw UsageError("--rounds must be between 1 and 1000");
  if (o.dist != "gaussian" && o.dist != "lognormal") throw UsageError("--dist must be gaussian or lognormal");
  c.workers = o.workers;
  try {
    if (vm.count("calibrate")) {
      nlohmann::json profile = calibrate(o);
      profile["machine"] = machine;
      fmt::print("{}\n", profile.dump(2));
      return 0;
    }
    compression::make_scheme(c);  // parameter errors read as bad input, before any work
  } catch (const std::invalid_argument& e) {
    throw UsageError(e.what());
  }
  const compression::MeasureResult r = compression::measure(o);
  nlohmann::json out = {
      {"scheme", c.name},
      {"workers", o.workers},
      {"dim", o.dim},
      {"dist", o.dist},
      {"seed", o.seed},
      {"vnmse", r.vnmse},
      {"bits_up_per_coord", r.bits_up_per_coord},
      {"bits_down_per_coord", r.bits_down_per_coord},
      {"encode_s_per_coord", r.encode_s_per_coord},
      {"add_s_per_coord", r.add_s_per_coord},
      {"finish_s_per_coord", r.finish_s_per_coord},
      {"decode_s_per_coord", r.decode_s_per_coord},
      {"encode_bytes_per_s", r.encode_s_per_coord > 0 ? 4 / r.encode_s_per_coord : 0.0},
  };
  if (c.name == "thc" || c.name == "uhc") {
    out["bits"] = c.bits;
    out["granularity"] = c.granularity;
    out["clip"] = c.clip_probability;
    out["table"] = r.table;
  } else if (c.name == "topk") {
    out["topk_ratio"] = c.topk_ratio;
  } else if (c.name == "qsgd") {
    out["qsgd_levels"] = c.qsgd_levels;
  }
  fmt::print("{}\n", out.dump());
  return 0;
}

}  // namespace cs::cli
