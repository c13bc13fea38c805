// Proxy training through a compression scheme (training/proxy_training.hpp, the code the
// simulator runs each round): THC at its defaults reaches, within a few points, the accuracy
// uncompressed training reaches in the same number of rounds, and so does TopK with error
// feedback. The mean test accuracy over the last evaluations is compared, since constant-rate
// SGD's last iterate swings by about a point from one evaluation to the next.
#include <gtest/gtest.h>

#include <memory>

#include "compression/scheme.hpp"
#include "training/proxy_training.hpp"

namespace cs {
namespace {

// Mean test accuracy over the evaluations (every 25 rounds) of the last quarter of `rounds`.
double late_accuracy(const std::string& scheme_name, learning::ProxyKind kind, int rounds) {
  compression::SchemeConfig sc;
  sc.name = scheme_name;
  auto scheme = compression::make_scheme(sc);
  training::ProxyTrainingConfig c;
  c.proxy.kind = kind;
  c.sgd = learning::recommended_sgd(kind);
  training::ProxyTraining job(learning::load_fashion_mnist(), *scheme, c);
  double sum = 0;
  int evaluations = 0;
  for (int r = 1; r <= rounds; ++r) {
    job.round();
    if (r % 25 == 0 && r > rounds * 3 / 4) sum += job.test_accuracy(), ++evaluations;
  }
  return sum / evaluations;
}

TEST(ProxyCompression, SoftmaxWithThcStaysWithinAFewPointsOfUncompressed) {
  const double none = late_accuracy("none", learning::ProxyKind::softmax, 400);
  const double thc = late_accuracy("thc", learning::ProxyKind::softmax, 400);
  std::cout << "softmax, 400 rounds: none " << none << ", thc " << thc << "\n";
  EXPECT_GE(none, 0.82);
  EXPECT_NEAR(thc, none, 0.03);
}

TEST(ProxyCompression, SoftmaxWithTopkAndErrorFeedbackStillLearns) {
  const double topk = late_accuracy("topk", learning::ProxyKind::softmax, 400);
  std::cout << "softmax, 400 rounds: topk " << topk << "\n";
  EXPECT_GE(topk, 0.75);
}

TEST(ProxyCompression, MlpWithThcStaysWithinAFewPointsOfUncompressed) {
  const double none = late_accuracy("none", learning::ProxyKind::mlp, 1200);
  const double thc = late_accuracy("thc", learning::ProxyKind::mlp, 1200);
  std::cout << "mlp, 1200 rounds: none " << none << ", thc " << thc << "\n";
  EXPECT_GE(none, 0.85);
  EXPECT_NEAR(thc, none, 0.03);
}

}  // namespace
}  // namespace cs
