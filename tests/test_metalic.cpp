// METALIC: the Gaussian process, the mask bandit, the --metalic.* options, and the driver with a mock
// trainer on MPI groups (the real trainer needs the interface.* keys of domain decomposition).
#include <gtest/gtest.h>
#include <mpi.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <sstream>

#include "pigx/app/gaussian_process.hpp"
#include "pigx/app/metalic.hpp"
#include "pigx/app/metalic_run.hpp"
#include "pigx/core/error.hpp"

namespace {

using pigx::Acquisition;
using pigx::BanditObservation;
using pigx::ConditionMask;
using pigx::GaussianProcess;
using pigx::MaskBandit;

// Expects `f` to throw an input pigx::Error whose message contains `text`.
template <class F>
void expect_input_error(F f, const std::string& text) {
  try {
    f();
    ADD_FAILURE() << "no error; expected one mentioning '" << text << "'";
  } catch (const pigx::Error& e) {
    EXPECT_EQ(e.kind(), pigx::ErrorKind::Input) << e.what();
    EXPECT_NE(std::string(e.what()).find(text), std::string::npos) << e.what();
  }
}

// Points (context, one mask bit) with a smooth target.
void smooth_data(std::vector<std::vector<double>>& x, std::vector<double>& y) {
  for (int i = 0; i <= 6; ++i)
    for (int b = 0; b < 2; ++b) {
      const double c = i / 6.0;
      x.push_back({c, double(b)});
      y.push_back(std::sin(3 * c) + 0.5 * b);
    }
}

TEST(GaussianProcess, PosteriorInterpolatesNoiselessData) {
  std::vector<std::vector<double>> x;
  std::vector<double> y;
  smooth_data(x, y);
  GaussianProcess gp(1);
  gp.fit(x, y, {0.3, 1.0, 1.0, 1e-10});
  for (std::size_t i = 0; i < x.size(); ++i) EXPECT_NEAR(gp.predict(x[i]).mean, y[i], 1e-6);
  gp.fit(x, y);  // hyperparameters by marginal likelihood: the smallest noise fits noiseless data best
  EXPECT_TRUE(std::isfinite(gp.log_marginal_likelihood()));
  EXPECT_EQ(gp.hyper().noise_variance, 1e-6);
  for (std::size_t i = 0; i < x.size(); ++i) EXPECT_NEAR(gp.predict(x[i]).mean, y[i], 1e-3);
}

TEST(GaussianProcess, VarianceShrinksAtObservedPoints) {
  GaussianProcess gp(1);
  gp.fit({}, {});
  const double prior = gp.predict({0.5, 1.0}).variance;
  EXPECT_GT(prior, 0);
  gp.fit({{0.5, 1.0}, {0.0, 0.0}}, {1.0, 2.0}, {0.2, 1.0, 1.0, 1e-6});
  const double at = gp.predict({0.5, 1.0}).variance, far = gp.predict({1.0, 0.0}).variance;
  EXPECT_LT(at, 1e-4 * far);
  EXPECT_GT(far, 0.9 * 0.25 * gp.hyper().signal_variance);  // un-standardised: the std of {1, 2} is 0.5
}

TEST(GaussianProcess, JointSamplesAreReproducibleForASeed) {
  std::vector<std::vector<double>> x;
  std::vector<double> y;
  smooth_data(x, y);
  GaussianProcess gp(1);
  gp.fit(x, y);
  const std::vector<std::vector<double>> at{{0.1, 0.0}, {0.1, 1.0}, {0.55, 0.0}, {0.55, 0.0}};
  std::mt19937_64 a(7), b(7), c(8);
  const std::vector<double> sa = gp.sample(at, a), sb = gp.sample(at, b), sc = gp.sample(at, c);
  ASSERT_EQ(sa.size(), at.size());
  EXPECT_EQ(sa, sb);
  EXPECT_NE(sa, sc);
  EXPECT_NEAR(sa[2], sa[3], 1e-3);  // one joint sample: the same point gets the same value
}

TEST(GaussianProcess, BadInputsThrow) {
  GaussianProcess gp(1);
  expect_input_error([&] { gp.fit({{0.0, 1.0}}, {1.0, 2.0}); }, "one target per feature vector");
  expect_input_error([&] { gp.fit({{0.0, 1.0}, {0.5}}, {1.0, 2.0}); }, "different lengths");
  expect_input_error([&] { gp.fit({{0.0, 1.0}}, {NAN}); }, "not finite");
  pigx::GpGrid grid;
  grid.noise_variance.clear();
  expect_input_error([&] { GaussianProcess g(1, grid); }, "noise_variance");
  grid = {};
  grid.mask_length = {-1.0};
  expect_input_error([&] { GaussianProcess g(1, grid); }, "mask_length");
}

// A bandit over all 7 subsets of 3 conditions on [1, 6].
MaskBandit make_bandit(Acquisition a, std::uint64_t seed = 1) {
  pigx::BanditOptions o;
  o.acquisition = a;
  o.beta = 2.0;
  o.seed = seed;
  return MaskBandit({"solution", "average", "flux"}, MaskBandit::all_nonempty_subsets(3), 1.0, 6.0, o);
}

// Every candidate at three contexts: reward 3 for candidate `best`, 1 + 0.1 c for the others.
std::vector<BanditObservation> observations(std::size_t best) {
  std::vector<BanditObservation> out;
  for (std::size_t m = 0; m < 7; ++m)
    for (double c : {1.5, 3.5, 5.5}) out.push_back({c, m, m == best ? 3.0 : 1.0 + 0.1 * c});
  return out;
}

TEST(MaskBandit, SubsetsAndNames) {
  const auto all = MaskBandit::all_nonempty_subsets(3);
  ASSERT_EQ(all.size(), 7u);
  EXPECT_EQ(all[0], (ConditionMask{true, false, false}));
  EXPECT_EQ(all[6], (ConditionMask{true, true, true}));
  EXPECT_EQ(pigx::mask_name({"solution", "average", "flux"}, all[3]), "flux");
  EXPECT_EQ(pigx::mask_name({"solution", "average", "flux"}, all[4]), "solution+flux");
  EXPECT_EQ(pigx::mask_name({"a", "b"}, {false, false}), "none");
}

TEST(MaskBandit, UcbPicksTheArgmaxOfMeanPlusBetaSd) {
  MaskBandit bandit = make_bandit(Acquisition::Ucb);
  std::vector<BanditObservation> few{{1.5, 0, 1.0}, {3.0, 3, 2.0}, {5.0, 6, 0.5}, {2.0, 4, 1.5}};
  bandit.observe(few);
  for (double c : {1.0, 2.5, 4.0, 6.0}) {
    std::size_t arg = 0;
    for (std::size_t i = 1; i < 7; ++i)
      if (bandit.ucb(c, i) > bandit.ucb(c, arg)) arg = i;
    const pigx::GpPrediction p = bandit.predict(c, arg);
    EXPECT_DOUBLE_EQ(bandit.ucb(c, arg), p.mean + 2.0 * std::sqrt(p.variance));
    EXPECT_EQ(bandit.select({c}, 0), std::vector<std::size_t>{arg}) << "context " << c;
  }
}

TEST(MaskBandit, BestIsTheLargestPosteriorMean) {
  MaskBandit bandit = make_bandit(Acquisition::Ucb);
  bandit.observe(observations(5));
  for (double c : {1.0, 3.0, 6.0}) EXPECT_EQ(bandit.best(c), 5u);
}

TEST(MaskBandit, ThompsonIsReproducibleForAFixedSeed) {
  MaskBandit a = make_bandit(Acquisition::Thompson, 3), b = make_bandit(Acquisition::Thompson, 3);
  a.observe(observations(2));
  b.observe(observations(2));
  for (std::uint64_t round = 0; round < 5; ++round) {
    const auto pa = a.select({1.2, 4.4}, round);
    EXPECT_EQ(pa, b.select({1.2, 4.4}, round));
    for (std::size_t p : pa) EXPECT_LT(p, 7u);
  }
  // With no data the picks are prior draws: different rounds give different picks.
  MaskBandit fresh = make_bandit(Acquisition::Thompson, 3);
  std::set<std::size_t> seen;
  for (std::uint64_t round = 0; round < 10; ++round) seen.insert(fresh.select({3.0}, round)[0]);
  EXPECT_GT(seen.size(), 1u);
}

TEST(MaskBandit, BatchesHoldDistinctMasks) {
  for (Acquisition a : {Acquisition::Ucb, Acquisition::Thompson}) {
    MaskBandit bandit = make_bandit(a);
    for (int stage = 0; stage < 2; ++stage) {
      const auto picks = bandit.select({3.0, 3.0, 3.0, 3.0}, 1);
      EXPECT_EQ(std::set<std::size_t>(picks.begin(), picks.end()).size(), 4u);
      bandit.observe(observations(1));
    }
    // More slots than candidates: every candidate first, then repeats.
    const auto picks = bandit.select(std::vector<double>(9, 2.0), 2);
    EXPECT_EQ(std::set<std::size_t>(picks.begin(), picks.begin() + 7).size(), 7u);
  }
}

TEST(MaskBandit, BadInputsThrow) {
  const std::vector<std::string> names{"solution", "flux"};
  expect_input_error([&] { MaskBandit b({}, {{true}}, 0, 1); }, "no interface conditions");
  expect_input_error([&] { MaskBandit b(names, {}, 0, 1); }, "no candidate masks");
  expect_input_error([&] { MaskBandit b(names, {{true}}, 0, 1); }, "one per condition");
  expect_input_error([&] { MaskBandit b(names, {{false, false}}, 0, 1); }, "empty candidate");
  expect_input_error([&] { MaskBandit b(names, {{true, false}, {true, false}}, 0, 1); }, "listed twice");
  expect_input_error([&] { MaskBandit b(names, {{true, false}}, 1, 1); }, "lo < hi");
  pigx::BanditOptions o;
  o.beta = -1;
  expect_input_error([&] { MaskBandit b(names, {{true, false}}, 0, 1, o); }, "beta");
  MaskBandit b(names, {{true, false}}, 0, 1);
  expect_input_error([&] { b.observe({{0.5, 3, 1.0}}); }, "mask index 3");
  expect_input_error([&] { b.observe({{0.5, 0, INFINITY}}); }, "finite");
  expect_input_error([] { MaskBandit::all_nonempty_subsets(0); }, "1..16");
}

std::vector<std::string> line(const std::string& extra) {
  std::vector<std::string> args{"base.ini", "--model.gaussians=40", "--metalic.parameter=a1",
                                "--metalic.range=1:6"};
  std::stringstream ss(extra);
  std::string a;
  while (ss >> a) args.push_back(a);
  return args;
}

TEST(MetalicOptions, ParsesAndStripsTheMetalicKeys) {
  const auto cl = pigx::read_metalic_command_line(line(
      "--metalic.rounds=3 --metalic.groups=2 --metalic.strategy=thompson --metalic.test=1.5,6 "
      "--metalic.conditions=solution,average,residual_continuity,flux --metalic.seed=9 --metalic.out=o"));
  const pigx::MetalicSpec& s = cl.spec;
  EXPECT_EQ(s.base_args, (std::vector<std::string>{"base.ini", "--model.gaussians=40"}));
  EXPECT_EQ(s.parameter, "a1");
  EXPECT_EQ(s.lo, 1.0);
  EXPECT_EQ(s.hi, 6.0);
  EXPECT_EQ(s.rounds, 3);
  EXPECT_EQ(s.groups, 2);
  EXPECT_EQ(s.strategy, Acquisition::Thompson);
  EXPECT_EQ(s.masks.size(), 15u);
  EXPECT_EQ(s.test, (std::vector<double>{1.5, 6.0}));
  EXPECT_EQ(s.seed, 9u);
  EXPECT_EQ(s.out, "o");
  const auto masks = pigx::read_metalic_command_line(line("--metalic.masks=average+flux,solution")).spec;
  EXPECT_EQ(masks.masks,
            (std::vector<ConditionMask>{{false, true, false, true}, {true, false, false, false}}));
  EXPECT_EQ(masks.test, (std::vector<double>{1.0, 3.5, 6.0}));
  EXPECT_TRUE(pigx::read_metalic_command_line({"--help"}).help);
}

TEST(MetalicOptions, TrainingArgumentsSetContextMaskAndOutput) {
  const auto s = pigx::read_metalic_command_line(line("--metalic.conditions=solution,flux")).spec;
  const auto args = pigx::metalic_training_args(s, 2.5, {"flux"}, "out/r0");
  const std::vector<std::string> expected{"base.ini",
                                          "--model.gaussians=40",
                                          "--problem.a1=2.5",
                                          "--interface.solution=false",
                                          "--interface.flux=true",
                                          "--interface.average=false",
                                          "--interface.residual_continuity=false",
                                          "--output.dir=out/r0"};
  EXPECT_EQ(args, expected);
}

TEST(MetalicOptions, BadValuesNameTheKey) {
  const std::vector<std::pair<std::string, std::string>> cases{
      {"--metalic.rounds=0", "'metalic.rounds'"},
      {"--metalic.groups=two", "'metalic.groups'"},
      {"--metalic.strategy=greedy", "'metalic.strategy'"},
      {"--metalic.beta=-1", "'metalic.beta'"},
      {"--metalic.conditions=solution,fluxx", "'metalic.conditions'"},
      {"--metalic.conditions=flux,flux", "'metalic.conditions'"},
      {"--metalic.masks=average+tangential", "'metalic.masks'"},
      {"--metalic.masks=flux,flux", "'metalic.masks'"},
      {"--metalic.default=avg", "'metalic.default'"},
      {"--metalic.test=0.5", "'metalic.test'"},
      {"--metalic.seed=-2", "'metalic.seed'"},
      {"--metalic.out=", "'metalic.out'"},
      {"--metalic.round=3", "did you mean 'metalic.rounds'"},
      {"--metalic.rounds", "'metalic.rounds'"},
      {"--problem.a1=2", "'problem.a1'"},
      {"--interface.average=true", "'interface.average'"},
      {"--output.dir=x", "'output.dir'"},
      {"--check", "--check"}};
  for (const auto& [extra, text] : cases)
    expect_input_error([&] { pigx::read_metalic_command_line(line(extra)); }, text);
  expect_input_error(
      [] {
        pigx::read_metalic_command_line({"b.ini", "--metalic.parameter=a1"});
      },
      "metalic.range");
  expect_input_error(
      [] {
        pigx::read_metalic_command_line({"b.ini", "--metalic.range=1:2"});
      },
      "metalic.parameter");
}

// A mock trainer: rel_l2 = 1e-4 for solution+flux, 1e-2 otherwise, times a mild trend in the context.
pigx::MetalicTrainer mock_trainer(int& trainings) {
  pigx::MetalicTrainer t;
  t.check = [](MPI_Comm, const std::vector<std::string>& args, std::ostream&) {
    for (const auto& a : args)
      if (a == "--model.gaussians=0") pigx::throw_input_error("model.gaussians", "0", "a positive integer");
  };
  t.train = [&trainings](MPI_Comm, const std::vector<std::string>& args, std::ostream& log) {
    ++trainings;
    auto has = [&](const std::string& a) { return std::find(args.begin(), args.end(), a) != args.end(); };
    double c = 0;
    for (const auto& a : args)
      if (a.rfind("--problem.a1=", 0) == 0) c = std::stod(a.substr(13));
    log << "mock training at a1 = " << c << "\n";
    const bool best =
        has("--interface.solution=true") && has("--interface.flux=true") && has("--interface.average=false");
    return (best ? 1e-4 : 1e-2) * (1 + 0.1 * c);
  };
  return t;
}

std::string read_all(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(MetalicDriver, RoundsOnGroupsThenTheComparison) {
  int rank, size;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  const std::string out = "metalic-driver-np" + std::to_string(size);
  if (rank == 0) std::filesystem::remove_all(out);
  MPI_Barrier(MPI_COMM_WORLD);
  pigx::MetalicSpec s =
      pigx::read_metalic_command_line(line("--metalic.conditions=solution,average,flux --metalic.rounds=5 "
                                           "--metalic.masks=average,solution+flux,average+flux,solution "
                                           "--metalic.default=average --metalic.test=2,5 --metalic.out=" +
                                           out + " --metalic.groups=" + std::to_string(size)))
          .spec;
  int trainings = 0;
  std::ostringstream log;
  const pigx::MetalicReport r = pigx::run_metalic(MPI_COMM_WORLD, s, mock_trainer(trainings), log);
  ASSERT_EQ(r.trials.size(), std::size_t(5 * size));
  for (const auto& t : r.trials) {
    EXPECT_GE(t.context, 1.0);
    EXPECT_LE(t.context, 6.0);
    EXPECT_NEAR(t.reward, -std::log10(t.rel_l2), 1e-12);
  }
  for (int round = 0; round < 5; ++round) {  // one distinct mask per group in a round
    std::set<std::size_t> masks;
    for (int g = 0; g < size; ++g) masks.insert(r.trials[round * size + g].mask);
    EXPECT_EQ(masks.size(), std::size_t(size));
  }
  ASSERT_EQ(r.tests.size(), 2u);
  for (const auto& t : r.tests) {
    EXPECT_EQ(pigx::mask_name(s.conditions, s.masks[t.chosen]), "solution+flux");
    EXPECT_NEAR(t.chosen_rel_l2, 1e-4 * (1 + 0.1 * t.context), 1e-15);
    EXPECT_NEAR(t.default_rel_l2, 1e-2 * (1 + 0.1 * t.context), 1e-15);
  }
  int total = 0;
  MPI_Allreduce(&trainings, &total, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
  EXPECT_EQ(total, 5 * size + 4);  // the 4 test trainings are spread over the groups
  if (rank == 0) {
    const std::string json = read_all(out + "/metalic.json");
    EXPECT_NE(json.find("\"complete\": true"), std::string::npos);
    EXPECT_NE(json.find("\"chosen\": \"solution+flux\""), std::string::npos);
    EXPECT_NE(json.find("\"default\": \"average\""), std::string::npos);
    EXPECT_TRUE(std::filesystem::exists(out + "/round-0-group-0/train.log"));
    EXPECT_NE(log.str().find("| 2 | solution+flux |"), std::string::npos) << log.str();
  }
}

TEST(MetalicDriver, AChosenMaskEqualToTheDefaultIsTrainedOnce) {
  int size;
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  pigx::MetalicSpec s = pigx::read_metalic_command_line(
                            line("--metalic.conditions=solution,average,flux --metalic.rounds=4 "
                                 "--metalic.masks=average,solution+flux --metalic.default=flux+solution "
                                 "--metalic.test=2,5 --metalic.out=metalic-same-np" +
                                 std::to_string(size) + " --metalic.groups=" + std::to_string(size)))
                            .spec;
  int trainings = 0, total = 0;
  std::ostringstream log;
  const pigx::MetalicReport r = pigx::run_metalic(MPI_COMM_WORLD, s, mock_trainer(trainings), log);
  MPI_Allreduce(&trainings, &total, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
  EXPECT_EQ(total, 4 * size + 2);
  for (const auto& t : r.tests) {
    EXPECT_EQ(pigx::mask_name(s.conditions, s.masks[t.chosen]), "solution+flux");
    EXPECT_EQ(t.default_rel_l2, t.chosen_rel_l2);
  }
}

TEST(MetalicDriver, BadInputRaisesEverywhereAndWritesNothing) {
  int size;
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  int rank;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  const std::string out = "metalic-bad-np" + std::to_string(size);
  if (rank == 0) std::filesystem::remove_all(out);
  MPI_Barrier(MPI_COMM_WORLD);
  int trainings = 0;
  std::ostringstream log;
  pigx::MetalicSpec s = pigx::read_metalic_command_line(line("--metalic.out=" + out)).spec;
  s.base_args.push_back("--model.gaussians=0");
  expect_input_error([&] { pigx::run_metalic(MPI_COMM_WORLD, s, mock_trainer(trainings), log); },
                     "model.gaussians");
  s.base_args.pop_back();
  s.groups = size + 1;
  expect_input_error([&] { pigx::run_metalic(MPI_COMM_WORLD, s, mock_trainer(trainings), log); },
                     "metalic.groups");
  EXPECT_EQ(trainings, 0);
  MPI_Barrier(MPI_COMM_WORLD);
  EXPECT_FALSE(std::filesystem::exists(out));
}

}  // namespace
