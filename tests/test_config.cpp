// The configuration reader: defaults, overrides, and a clear input error naming the key for every kind
// of bad input.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "pigx/app/checkpointing.hpp"
#include "pigx/app/run_config.hpp"
#include "pigx/app/subdomains.hpp"
#include "pigx/app/validate.hpp"
#include "pigx/core/error.hpp"

namespace pigx {
namespace {

std::string write_ini(const std::string& name, const std::string& text) {
  const std::string path = ::testing::TempDir() + name;
  std::ofstream(path) << text;
  return path;
}

// Expects an input error whose message contains every fragment.
void expect_input_error(const std::vector<std::string>& args, const std::vector<std::string>& fragments) {
  try {
    read_command_line(args, builtin_pdes());
    FAIL() << "no error for " << ::testing::PrintToString(args);
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Input);
    for (const auto& f : fragments) EXPECT_NE(std::string(e.what()).find(f), std::string::npos) << e.what();
  }
}

const char* kGood =
    "[problem]\ntype = helmholtz\na1 = 3\n[model]\ngaussians = 10\n[train]\nstages = adam:5\n";

TEST(Config, ReadsFileAndCommandLineWins) {
  const auto ini = write_ini("good.ini", kGood);
  const CommandLine cl = read_command_line({ini, "--problem.a1=6", "--train.seed=9"}, builtin_pdes());
  EXPECT_EQ(cl.config.problem, "helmholtz");
  EXPECT_EQ(cl.config.train.seed, 9u);
  EXPECT_EQ(cl.config.model.gaussians_per_channel, 10);
  EXPECT_EQ(cl.config.effective.at("problem.a1"), "6");
  ASSERT_EQ(cl.config.train.stages.size(), 1u);
  EXPECT_EQ(cl.config.train.stages[0].iterations, 5);
}

TEST(Config, HelpListsEveryKey) {
  const CommandLine cl = read_command_line({"--help"}, builtin_pdes());
  EXPECT_TRUE(cl.help);
  for (const char* k : {"train.seed", "output.dir", "problem.a1", "problem.alpha", "sampling.resample_every"})
    EXPECT_NE(cl.help_text.find(k), std::string::npos) << k;
}

TEST(Config, UnknownKeySuggestsClosest) {
  const auto ini = write_ini("unknown.ini", std::string(kGood) + "[sampling]\nresidul = 10\n");
  expect_input_error({ini}, {"sampling.residul", "sampling.residual"});
  expect_input_error({write_ini("g.ini", kGood), "--train.sed=3"}, {"unknown key 'train.sed'", "train.seed"});
}

TEST(Config, WrongTypeNamesKey) {
  expect_input_error({write_ini("g.ini", kGood), "--model.gaussians=many"}, {"model.gaussians"});
}

TEST(Config, OutOfRangeNamesKeyAndValue) {
  const auto ini = write_ini("g.ini", kGood);
  expect_input_error({ini, "--model.channels=0"}, {"model.channels", "'0'"});
  expect_input_error({ini, "--problem.a1=-1"}, {"problem.a1", "-1"});
  expect_input_error({ini, "--model.sigma0=0.0001"}, {"model.sigma0"});
  expect_input_error({ini, "--train.lr_decay=2"}, {"train.lr_decay"});
  expect_input_error({ini, "--model.covariance=round"}, {"model.covariance", "diagonal, full"});
  expect_input_error({ini, "--train.stages=adam"}, {"train.stages"});
  expect_input_error({ini, "--model.hidden=16,x"}, {"model.hidden"});
}

TEST(Config, ReferenceFileReplacesTheShippedOneForReferenceProblemsOnly) {
  const auto nd = write_ini("nd.ini", "[problem]\ntype = nonlinear_diffusion\n");
  EXPECT_EQ(read_command_line({nd}, builtin_pdes()).config.reference_file, "");
  const CommandLine cl = read_command_line({nd, "--problem.reference_file=/r/fd_801.h5"}, builtin_pdes());
  EXPECT_EQ(cl.config.reference_file, "/r/fd_801.h5");
  expect_input_error({write_ini("g.ini", kGood), "--problem.reference_file=/r/fd_801.h5"},
                     {"problem.reference_file", "/r/fd_801.h5", "helmholtz", "exact solution"});
}

TEST(Config, UnknownProblemListsTypes) {
  expect_input_error({write_ini("p.ini", "[problem]\ntype = navier\n")},
                     {"problem.type", "navier", "helmholtz"});
  expect_input_error({write_ini("q.ini", "[model]\nchannels = 2\n")}, {"problem.type"});
}

TEST(Config, MissingFileAndMalformedIni) {
  expect_input_error({"/nonexistent/x.ini"}, {"/nonexistent/x.ini"});
  expect_input_error({write_ini("bad.ini", "[problem\ntype = helmholtz\n")}, {});
}

TEST(Config, MalformedIniNamesFileAndLine) {
  const auto unterminated =
      write_ini("unterminated.ini", "[problem]\ntype = helmholtz\n[model\ngaussians = 10\n");
  expect_input_error({unterminated}, {unterminated, "line 3", "unterminated section header '[model'"});
  const auto no_equals = write_ini("noeq.ini", std::string(kGood) + "[sampling]\nresidual 4096\n");
  expect_input_error({no_equals}, {no_equals, "line 9", "'residual 4096'", "key = value"});
  expect_input_error({write_ini("nokey.ini", std::string(kGood) + "= 3\n")}, {"line 8", "has no key"});
  expect_input_error({write_ini("nosection.ini", "type = helmholtz\n")}, {"line 1", "before any section"});
  expect_input_error({write_ini("twice.ini", std::string(kGood) + "[model]\ngaussians = 20\n")},
                     {"line 9", "'model.gaussians' is set again (first on line 5)"});
  expect_input_error({write_ini("spaces.ini", "[ problem ]\ntype = helmholtz\n")},
                     {"line 1", "without spaces"});
  // Comments and blank lines are fine, also after a value.
  EXPECT_NO_THROW(read_command_line(
      {write_ini("comments.ini", std::string("# c\n\n") + kGood + "seed = 3 # s\n")}, builtin_pdes()));
}

TEST(Config, UnknownKeyInFileNamesLine) {
  const auto ini = write_ini("unknown2.ini", std::string(kGood) + "[sampling]\nresidul = 10\n");
  expect_input_error({ini},
                     {ini, "line 9", "unknown key 'sampling.residul'", "did you mean 'sampling.residual'"});
}

TEST(Config, WrongTypeNamesKeyValueAndType) {
  const auto ini = write_ini("g.ini", kGood);
  expect_input_error({ini, "--model.gaussians=many"},
                     {"command line", "'many'", "'model.gaussians'", "an integer"});
  expect_input_error({write_ini("wt.ini", "[problem]\ntype = helmholtz\n[model]\ngaussians = many\n")},
                     {"wt.ini', line 4", "'many'", "'model.gaussians'", "an integer"});
  expect_input_error({ini, "--model.gaussians=2.5"}, {"'2.5'", "an integer"});
  expect_input_error({ini, "--train.learning_rate=fast"}, {"'fast'", "'train.learning_rate'", "a number"});
  expect_input_error({ini, "--output.solution=maybe"}, {"'maybe'", "'output.solution'", "true or false"});
  expect_input_error({ini, "--train.seed=1e3"}, {"'1e3'", "'train.seed'", "an integer"});
}

// model.encoder and the model.grid_* keys: read into the spec (periodic axes from the problem's domain),
// bad values refused naming key and value; model.hidden = none is a linear MLP.
TEST(Config, MultigridKeys) {
  const auto ini = write_ini("g.ini", kGood);
  const auto cl = read_command_line({ini, "--model.encoder=both", "--model.grid_levels=3",
                                     "--model.grid_cells=5", "--model.grid_init_std=0.2"},
                                    builtin_pdes());
  EXPECT_EQ(cl.config.model.encoder, EncoderKind::Both);
  EXPECT_EQ(cl.config.model.grid_levels, 3);
  EXPECT_EQ(cl.config.model.grid_cells, std::vector<int>{5});
  EXPECT_EQ(cl.config.model.grid_init_std, 0.2);
  EXPECT_EQ(read_command_line({ini}, builtin_pdes()).config.model.encoder, EncoderKind::Gaussian);
  EXPECT_EQ(read_command_line({ini, "--model.grid_cells=32,8"}, builtin_pdes()).config.model.grid_cells,
            (std::vector<int>{32, 8}));
  expect_input_error({ini, "--model.encoder=multigrid", "--model.grid_cells=4,4,4"},
                     {"'4,4,4'", "'model.grid_cells'", "one per axis"});
  expect_input_error({ini, "--model.grid_cells=4,x"},
                     {"'4,x'", "'model.grid_cells'", "positive cell counts"});
  const auto ac = read_command_line(
      {write_ini("ac.ini",
                 "[problem]\ntype = allen_cahn\n[model]\ngaussians = 10\n[train]\nstages = adam:5\n")},
      builtin_pdes());
  EXPECT_TRUE(ac.config.model.periodic[0]);
  EXPECT_FALSE(ac.config.model.periodic[1]);
  expect_input_error({ini, "--model.encoder=grid"},
                     {"'grid'", "'model.encoder'", "one of: gaussian, multigrid, both"});
  expect_input_error({ini, "--model.encoder=multigrid", "--model.grid_levels=13"},
                     {"'13'", "'model.grid_levels'", "1..12"});
  expect_input_error({ini, "--model.encoder=multigrid", "--model.grid_cells=0"},
                     {"'0'", "'model.grid_cells'", "positive cell counts"});
  expect_input_error({ini, "--model.encoder=multigrid", "--model.grid_init_std=-1"},
                     {"'model.grid_init_std'", "a value >= 0"});
  EXPECT_TRUE(read_command_line({ini, "--model.hidden=none"}, builtin_pdes()).config.model.hidden.empty());
  // model.grid_offsets: aligned by default (and then outside a checkpoint's identity, so older ones
  // resume), staggered names itself in the identity, anything else refused.
  const auto plain = read_command_line({ini, "--model.encoder=multigrid"}, builtin_pdes());
  EXPECT_FALSE(plain.config.model.grid_staggered);
  EXPECT_EQ(checkpoint_identity(plain.config, 3).config.find("model.grid_offsets"), std::string::npos);
  const auto stag =
      read_command_line({ini, "--model.encoder=multigrid", "--model.grid_offsets=staggered"}, builtin_pdes());
  EXPECT_TRUE(stag.config.model.grid_staggered);
  EXPECT_NE(checkpoint_identity(stag.config, 3).model.find("staggered"), std::string::npos);
  expect_input_error({ini, "--model.encoder=multigrid", "--model.grid_offsets=shifted"},
                     {"'shifted'", "'model.grid_offsets'", "aligned or staggered"});
}

TEST(Config, NonFiniteNumbersAreRefused) {
  const auto ini = write_ini("g.ini", kGood);
  expect_input_error({ini, "--loss.residual=inf"}, {"'loss.residual'", "inf", "a finite number"});
  expect_input_error({ini, "--train.max_time=nan"}, {"'train.max_time'", "a finite number"});
}

TEST(Config, OutOfRangeCountsAndSeed) {
  const auto ini = write_ini("g.ini", kGood);
  expect_input_error({ini, "--model.gaussians=-4"}, {"'-4'", "'model.gaussians'", "a positive integer"});
  expect_input_error({ini, "--train.seed=-1"}, {"'-1'", "'train.seed'", "a seed >= 0"});
  expect_input_error({ini, "--sampling.residual=0"}, {"'0'", "'sampling.residual'", "1..2147483647"});
  expect_input_error({ini, "--sampling.residual=3000000000"}, {"'3000000000'", "1..2147483647"});
  expect_input_error({ini, "--sampling.boundary=-1"}, {"'-1'", "'sampling.boundary'", "0..2147483647"});
  expect_input_error({ini, "--sampling.sequence=sobol"},
                     {"'sobol'", "'sampling.sequence'", "uniform, halton"});
  EXPECT_EQ(read_command_line({ini, "--sampling.sequence=halton"}, builtin_pdes()).config.sampling.sequence,
            PointSequence::Halton);
  expect_input_error({ini, "--sampling.adaptive_k=-1"}, {"'-1'", "'sampling.adaptive_k'", "0..10"});
  expect_input_error({ini, "--sampling.adaptive_c=-0.5"}, {"'-0.5'", "'sampling.adaptive_c'", ">= 0"});
  expect_input_error({ini, "--sampling.adaptive_candidates=0"}, {"'0'", "'sampling.adaptive_candidates'"});
  expect_input_error({ini, "--sampling.adaptive=true", "--domain.subdomains=2x1"},
                     {"'sampling.adaptive'", "domain.subdomains = 2x1", "one subdomain"});
  const auto rad =
      read_command_line({ini, "--sampling.adaptive=true", "--sampling.adaptive_k=2"}, builtin_pdes());
  EXPECT_TRUE(rad.config.sampling.adaptive.enabled);
  EXPECT_EQ(rad.config.sampling.adaptive.k, 2.0);
  EXPECT_FALSE(rad.config.sampling.adaptive.initial);
}

TEST(Config, TimeMarginKey) {
  const auto fm = write_ini("fm_margin.ini", "[problem]\ntype = flow_mixing\n[model]\ngaussians = 10\n");
  expect_input_error({fm, "--sampling.time_margin=-0.1"},
                     {"'-0.1", "'sampling.time_margin'", "a fraction of the time span in [0, 1]"});
  expect_input_error({fm, "--sampling.time_margin=1.5"}, {"'1.5'", "'sampling.time_margin'", "[0, 1]"});
  expect_input_error({write_ini("g.ini", kGood), "--sampling.time_margin=0.1"},
                     {"'0.1", "'sampling.time_margin'", "problem 'helmholtz' has no time axis"});
  expect_input_error({fm, "--sampling.time_margin=0.1", "--domain.subdomains=1x1x2"},
                     {"'0.1", "'sampling.time_margin'", "domain.subdomains = 1x1x2"});
  EXPECT_EQ(read_command_line({fm, "--sampling.time_margin=0.1"}, builtin_pdes()).config.sampling.time_margin,
            0.1);
}

TEST(Config, LmGramKey) {
  const auto ini = write_ini("g.ini", kGood);
  expect_input_error({ini, "--train.lm_gram=half"}, {"'half'", "'train.lm_gram'", "double or single"});
  expect_input_error({ini, "--train.lm_gram=single", "--domain.subdomains=2x1"},
                     {"'single'", "'train.lm_gram'", "double with domain.subdomains = 2x1"});
  const CommandLine plain = read_command_line({ini}, builtin_pdes());
  EXPECT_EQ(plain.config.train.lm_gram, GramPrecision::double_precision);
  // At its default the key stays out of a checkpoint's identity, so older checkpoints resume.
  EXPECT_EQ(checkpoint_identity(plain.config, 3).config.find("train.lm_gram"), std::string::npos);
  const CommandLine single = read_command_line({ini, "--train.lm_gram=single"}, builtin_pdes());
  EXPECT_EQ(single.config.train.lm_gram, GramPrecision::single_precision);
  EXPECT_NE(checkpoint_identity(single.config, 3).config.find("train.lm_gram"), std::string::npos);
}

TEST(Config, AdaptiveInitialKey) {
  const auto kg = write_ini("kg_rad.ini", "[problem]\ntype = klein_gordon\n[model]\ngaussians = 10\n");
  expect_input_error({kg, "--sampling.adaptive_initial=true"},
                     {"'true'", "'sampling.adaptive_initial'", "false unless sampling.adaptive = true"});
  expect_input_error(
      {kg, "--sampling.adaptive=true", "--sampling.adaptive_initial=true", "--sampling.initial=0"},
      {"'true'", "'sampling.adaptive_initial'", "sampling.initial = 0"});
  expect_input_error(
      {write_ini("g.ini", kGood), "--sampling.adaptive=true", "--sampling.adaptive_initial=true"},
      {"'true'", "'sampling.adaptive_initial'", "without a time axis"});
  const auto on =
      read_command_line({kg, "--sampling.adaptive=true", "--sampling.adaptive_initial=true"}, builtin_pdes());
  EXPECT_TRUE(on.config.sampling.adaptive.initial);
}

TEST(Config, TooFewCollocationPointsForTheModel) {
  const auto ini = write_ini("g.ini", kGood);  // 4 channels x 10 Gaussians, helmholtz: 4 boundary faces
  expect_input_error({ini, "--sampling.residual=39"}, {"'39'", "'sampling.residual'", "at least 40 points",
                                                       "model.channels 4 x model.gaussians 10"});
  EXPECT_NO_THROW(read_command_line({ini, "--sampling.residual=40"}, builtin_pdes()));
  expect_input_error({ini, "--sampling.boundary=3"},
                     {"'3'", "'sampling.boundary'", "0 (no boundary term) or at least 4 points", "x = -1"});
  EXPECT_NO_THROW(read_command_line({ini, "--sampling.boundary=0"}, builtin_pdes()));
  EXPECT_NO_THROW(read_command_line({ini, "--sampling.boundary=4"}, builtin_pdes()));
  // Allen-Cahn is periodic in x: it has no boundary term, so any boundary count is accepted.
  const auto ac = write_ini("ac.ini", "[problem]\ntype = allen_cahn\n[model]\ngaussians = 10\n");
  EXPECT_NO_THROW(read_command_line({ac, "--sampling.boundary=1"}, builtin_pdes()));
}

TEST(Config, SubdomainsOneCountPerAxis) {
  const auto ini = write_ini("g.ini", kGood);  // helmholtz: axes x, y
  EXPECT_EQ(read_command_line({ini}, builtin_pdes()).config.subdomains, (std::vector<int>{1, 1}));
  EXPECT_EQ(read_command_line({ini, "--domain.subdomains=1x1"}, builtin_pdes()).config.subdomains,
            (std::vector<int>{1, 1}));
  EXPECT_EQ(read_command_line({ini, "--domain.subdomains=2x3"}, builtin_pdes()).config.subdomains,
            (std::vector<int>{2, 3}));
  expect_input_error({ini, "--domain.subdomains=4"}, {"'4'", "'domain.subdomains'", "2 counts", "4x4"});
  expect_input_error({ini, "--domain.subdomains=2x2x2"},
                     {"'2x2x2'", "'domain.subdomains'", "2 counts", "(x, y)", "got 3"});
  expect_input_error({ini, "--domain.subdomains=1x1x1"}, {"'1x1x1'", "2 counts"});
  expect_input_error({ini, "--domain.subdomains=300x300"}, {"'300x300'", "at most 65536"});
  for (const char* bad : {"0", "1x", "x1", "two", "1,1", "-1"})
    expect_input_error({ini, std::string("--domain.subdomains=") + bad},
                       {"'domain.subdomains'", "positive counts"});
  const auto kg = write_ini("kg.ini", "[problem]\ntype = klein_gordon\n[model]\ngaussians = 10\n");
  EXPECT_EQ(read_command_line({kg, "--domain.subdomains=1x1x1"}, builtin_pdes()).config.subdomains,
            (std::vector<int>{1, 1, 1}));
  const auto ac = write_ini("ac.ini", "[problem]\ntype = allen_cahn\n[model]\ngaussians = 10\n");
  expect_input_error({ac, "--domain.subdomains=2x1"}, {"'2x1'", "periodic axis x"});
  EXPECT_EQ(read_command_line({ac, "--domain.subdomains=1x2"}, builtin_pdes()).config.subdomains,
            (std::vector<int>{1, 2}));
}

TEST(Config, InterfaceConditionsDefaultToXpinnAndTakeWeights) {
  const auto ini = write_ini("g.ini", kGood);
  const InterfaceSpec f = read_command_line({ini}, builtin_pdes()).config.interface;
  EXPECT_EQ(f.conditions, (std::vector<std::string>{"average", "residual_continuity"}));
  const InterfaceSpec g = read_command_line({ini, "--interface.flux=true", "--interface.flux_weight=0.5",
                                             "--interface.average=false", "--interface.points=33"},
                                            builtin_pdes())
                              .config.interface;
  EXPECT_EQ(g.conditions, (std::vector<std::string>{"residual_continuity", "flux"}));
  EXPECT_EQ(g.weights, (std::vector<double>{1.0, 0.5}));
  EXPECT_EQ(g.points_per_face, 33);
  expect_input_error({ini, "--interface.flux_weight=-1"}, {"'interface.flux_weight'", "weight >= 0"});
  expect_input_error({ini, "--interface.points=0"}, {"'interface.points'"});
  expect_input_error({ini, "--interface.fluxx=true"}, {"interface.fluxx", "interface.flux"});
}

TEST(Config, DecomposedRunsNeedASubdomainPerRank) {
  const auto ini = write_ini("g.ini", kGood);
  const CommandLine cl = read_command_line({ini, "--domain.subdomains=2x1"}, builtin_pdes());
  EXPECT_NO_THROW(check_rank_count(cl.config, 2));
  try {
    check_rank_count(cl.config, 3);
    ADD_FAILURE() << "3 ranks for 2 subdomains accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("at least 3 subdomains"), std::string::npos) << e.what();
  }
}

TEST(Config, RankCountMustGiveEveryRankPointsOfEveryTerm) {
  const auto ini = write_ini("g.ini", kGood);
  const CommandLine cl =
      read_command_line({ini, "--sampling.residual=40", "--sampling.boundary=4"}, builtin_pdes());
  EXPECT_NO_THROW(check_rank_count(cl.config, 4));
  try {
    check_rank_count(cl.config, 5);
    FAIL() << "5 ranks accepted for 4 boundary points";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Input);
    const std::string m = e.what();
    for (const char* f :
         {"'4'", "'sampling.boundary'", "on 5 MPI ranks", "at least 5 points", "at most 4 ranks"})
      EXPECT_NE(m.find(f), std::string::npos) << m;
  }
  // Klein-Gordon has an initial term too.
  const auto kg = write_ini("kg.ini", "[problem]\ntype = klein_gordon\n[model]\ngaussians = 10\n");
  const CommandLine k = read_command_line({kg, "--sampling.initial=2"}, builtin_pdes());
  EXPECT_THROW(check_rank_count(k.config, 3), Error);
  EXPECT_NO_THROW(check_rank_count(k.config, 2));
}

TEST(Config, OutputDirectoryMustBeCreatable) {
  namespace fs = std::filesystem;
  const fs::path base = fs::path(::testing::TempDir()) / "pigx_outdir_test";
  fs::remove_all(base);
  fs::create_directories(base);
  std::ofstream(base / "afile") << "x";
  const std::string under_file = (base / "afile" / "run").string();
  try {
    check_output_dir(under_file);
    FAIL() << "output.dir under a regular file accepted";
  } catch (const Error& e) {
    const std::string m = e.what();
    EXPECT_EQ(e.kind(), ErrorKind::Input);
    EXPECT_NE(m.find("'output.dir'"), std::string::npos) << m;
    EXPECT_NE(m.find(under_file), std::string::npos) << m;
    EXPECT_NE(m.find("is not a directory"), std::string::npos) << m;
  }
  EXPECT_THROW(check_output_dir((base / "afile").string()), Error);
  EXPECT_NO_THROW(check_output_dir((base / "new" / "deeper").string()));
  EXPECT_FALSE(fs::exists(base / "new"));  // checking creates nothing
  fs::remove_all(base);
}

TEST(Config, CheckFlagIsParsed) {
  const auto ini = write_ini("g.ini", kGood);
  EXPECT_FALSE(read_command_line({ini}, builtin_pdes()).config.check_only);
  EXPECT_TRUE(read_command_line({ini, "--check"}, builtin_pdes()).config.check_only);
}

TEST(Config, ShippedConfigsAreValid) {
  namespace fs = std::filesystem;
  int n = 0;
  for (const char* dir : {"/examples", "/tests/data"})
    for (const auto& e : fs::directory_iterator(std::string(PIGX_SOURCE_DIR) + dir))
      if (e.path().extension() == ".ini") {
        EXPECT_NO_THROW(read_command_line({e.path().string()}, builtin_pdes())) << e.path();
        ++n;
      }
  EXPECT_GE(n, 6);
}

TEST(Config, ParameterOfAnotherProblemIsUnknown) {
  expect_input_error({write_ini("g.ini", kGood), "--problem.alpha=1"},
                     {"unknown key 'problem.alpha'", "a parameter of another problem.type"});
}

// train.ensemble_sets: off by default and then outside a checkpoint's identity (older checkpoints resume);
// set, it is part of the identity; negative counts and an ensemble over subdomains are refused naming the
// key; a checkpoint keeps the members, and one whose members do not fit the model is refused.
TEST(Config, EnsembleSetsKeyAndCheckpoint) {
  const auto ini = write_ini("ens.ini", kGood);
  const CommandLine plain = read_command_line({ini}, builtin_pdes());
  EXPECT_EQ(plain.config.train.ensemble_sets, 0);
  EXPECT_EQ(checkpoint_identity(plain.config, 3).config.find("train.ensemble_sets"), std::string::npos);
  const CommandLine set = read_command_line({ini, "--train.ensemble_sets=8"}, builtin_pdes());
  EXPECT_EQ(set.config.train.ensemble_sets, 8);
  EXPECT_NE(checkpoint_identity(set.config, 3).config.find("train.ensemble_sets = 8"), std::string::npos);
  expect_input_error({ini, "--train.ensemble_sets=-2"}, {"train.ensemble_sets", "-2"});
  expect_input_error({ini, "--train.ensemble_sets=4", "--domain.subdomains=2x2"},
                     {"train.ensemble_sets", "4", "one subdomain"});
  const CommandLine help = read_command_line({"--help"}, builtin_pdes());
  EXPECT_NE(help.help_text.find("train.ensemble_sets"), std::string::npos);

  TrainState state;
  state.theta = {1, 2, 3};
  state.ensemble = {0, 1, 2, 1, 2, 3};
  io::Checkpoint c = to_checkpoint(state, checkpoint_identity(set.config, 3));
  EXPECT_EQ(from_checkpoint(c).ensemble, state.ensemble);
  c.arrays.erase("ensemble");  // a checkpoint from before the key: no members
  EXPECT_TRUE(from_checkpoint(c).ensemble.empty());
  c.arrays["ensemble"] = {1, 2, 3, 4};
  try {
    from_checkpoint(c);
    FAIL() << "an ensemble of 4 values for 3 parameters was accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("/state/ensemble"), std::string::npos) << e.what();
  }
}

// train.ensemble_runs: 1 by default and then outside a checkpoint's identity; set, it is part of it, and
// each run has an identity and a checkpoint file of its own; counts below 1 and several runs over
// subdomains are refused naming the key.
TEST(Config, EnsembleRunsKeyAndCheckpointFiles) {
  const auto ini = write_ini("runs.ini", kGood);
  const CommandLine plain = read_command_line({ini}, builtin_pdes());
  EXPECT_EQ(plain.config.train.ensemble_runs, 1);
  EXPECT_EQ(checkpoint_identity(plain.config, 3).config.find("train.ensemble_runs"), std::string::npos);
  const CommandLine set = read_command_line({ini, "--train.ensemble_runs=3"}, builtin_pdes());
  EXPECT_EQ(set.config.train.ensemble_runs, 3);
  EXPECT_NE(checkpoint_identity(set.config, 3).config.find("train.ensemble_runs = 3"), std::string::npos);
  EXPECT_EQ(checkpoint_identity(set.config, 3, 0).config, checkpoint_identity(set.config, 3).config);
  EXPECT_NE(checkpoint_identity(set.config, 3, 1).config, checkpoint_identity(set.config, 3, 2).config);
  EXPECT_EQ(run_checkpoint_path("out/checkpoint.h5", 0), "out/checkpoint.h5");
  EXPECT_EQ(run_checkpoint_path("out/checkpoint.h5", 2), "out/checkpoint.run2.h5");
  EXPECT_EQ(run_checkpoint_path("/a.b/ck", 1), "/a.b/ck.run1");
  for (const char* bad : {"0", "-1"})
    expect_input_error({ini, std::string("--train.ensemble_runs=") + bad},
                       {"train.ensemble_runs", bad, ">= 1"});
  expect_input_error({ini, "--train.ensemble_runs=2", "--domain.subdomains=2x2"},
                     {"train.ensemble_runs", "2", "one subdomain"});
}

// train.ensemble_keep: 0 (all runs) by default; it chooses among finished runs, so it stays outside a
// checkpoint's identity; a count above train.ensemble_runs or below 0 is refused naming the key.
TEST(Config, EnsembleKeepKey) {
  const auto ini = write_ini("keep.ini", kGood);
  const CommandLine runs = read_command_line({ini, "--train.ensemble_runs=3"}, builtin_pdes());
  EXPECT_EQ(runs.config.train.ensemble_keep, 0);
  const CommandLine keep =
      read_command_line({ini, "--train.ensemble_runs=3", "--train.ensemble_keep=2"}, builtin_pdes());
  EXPECT_EQ(keep.config.train.ensemble_keep, 2);
  EXPECT_EQ(checkpoint_identity(keep.config, 3, 1).config, checkpoint_identity(runs.config, 3, 1).config);
  for (const char* bad : {"-1", "4"})
    expect_input_error({ini, "--train.ensemble_runs=3", std::string("--train.ensemble_keep=") + bad},
                       {"train.ensemble_keep", bad, "from 1 to train.ensemble_runs (3), or 0"});
  expect_input_error({ini, "--train.ensemble_keep=2"},
                     {"train.ensemble_keep", "2", "train.ensemble_runs (1)"});
}

// model.hard_boundary: off by default, a power in [0, 2], and only where the boundary values are 0 on a
// spatial boundary that is not periodic. It changes the model, so it is part of the checkpoint identity.
TEST(Config, HardBoundaryKey) {
  const auto ini = write_ini("hard.ini", kGood);
  const CommandLine plain = read_command_line({ini}, builtin_pdes());
  EXPECT_EQ(plain.config.model.hard_boundary, 0.0);
  const CommandLine hard = read_command_line({ini, "--model.hard_boundary=0.5"}, builtin_pdes());
  EXPECT_EQ(hard.config.model.hard_boundary, 0.5);
  EXPECT_NE(checkpoint_identity(hard.config, 1, 1).model, checkpoint_identity(plain.config, 1, 1).model);
  EXPECT_NE(checkpoint_identity(hard.config, 1, 1).config, checkpoint_identity(plain.config, 1, 1).config);
  // At its default the key stays out of the identity: checkpoints written before it existed resume.
  EXPECT_EQ(checkpoint_identity(plain.config, 1, 1).config.find("model.hard_boundary"), std::string::npos);
  for (const char* bad : {"-1", "2.5"})
    expect_input_error({ini, std::string("--model.hard_boundary=") + bad},
                       {"model.hard_boundary", bad, "a power in [0, 2]"});
  const auto other = write_ini("hard_other.ini", "[problem]\ntype = flow_mixing\n[model]\ngaussians = 10\n");
  expect_input_error({other, "--model.hard_boundary=1"},
                     {"model.hard_boundary", "1", "problem 'flow_mixing' has boundary value"});
  expect_input_error({other, "--problem.type=allen_cahn", "--model.hard_boundary=1"},
                     {"model.hard_boundary", "1", "has no spatial boundary that is not periodic"});
  const CommandLine growth =
      read_command_line({other, "--problem.type=nonlinear_diffusion", "--model.hard_boundary=0.5",
                         "--model.hard_boundary_growth=0.01"},
                        builtin_pdes());
  EXPECT_EQ(growth.config.model.hard_boundary_growth, 0.01);
  EXPECT_EQ(growth.config.model.hard_boundary_layer_order, 2);
  const CommandLine linear =
      read_command_line({other, "--problem.type=nonlinear_diffusion", "--model.hard_boundary=0.5",
                         "--model.hard_boundary_growth=0.01", "--model.hard_boundary_layer=linear"},
                        builtin_pdes());
  EXPECT_EQ(linear.config.model.hard_boundary_layer_order, 1);
  EXPECT_NE(checkpoint_identity(linear.config, 1, 1).model, checkpoint_identity(growth.config, 1, 1).model);
  EXPECT_EQ(checkpoint_identity(growth.config, 1, 1).config.find("model.hard_boundary_layer"),
            std::string::npos);
  expect_input_error({other, "--problem.type=nonlinear_diffusion", "--model.hard_boundary=0.5",
                      "--model.hard_boundary_growth=0.01", "--model.hard_boundary_layer=cubic"},
                     {"model.hard_boundary_layer", "cubic", "one of: diffusive, linear"});
  expect_input_error({other, "--problem.type=nonlinear_diffusion", "--model.hard_boundary=0.5",
                      "--model.hard_boundary_layer=linear"},
                     {"model.hard_boundary_layer", "linear", "without a growing wall layer"});
  expect_input_error({other, "--problem.type=nonlinear_diffusion", "--model.hard_boundary_growth=0.01"},
                     {"model.hard_boundary_growth", "0.01", "without a hard boundary"});
  expect_input_error({other, "--problem.type=nonlinear_diffusion", "--model.hard_boundary=0.5",
                      "--model.hard_boundary_growth=-1"},
                     {"model.hard_boundary_growth", "-1", "a value >= 0"});
  expect_input_error({ini, "--model.hard_boundary=1", "--model.hard_boundary_growth=0.1"},
                     {"model.hard_boundary_growth", "0.1", "problem 'helmholtz' has no time axis"});
}

TEST(Config, InitialLiftKey) {
  const auto ini = write_ini("lift.ini", "[problem]\ntype = allen_cahn\n[model]\ngaussians = 10\n");
  const CommandLine plain = read_command_line({ini}, builtin_pdes());
  EXPECT_EQ(plain.config.model.initial_lift, 0.0);
  const CommandLine lift = read_command_line({ini, "--model.initial_lift=10"}, builtin_pdes());
  EXPECT_EQ(lift.config.model.initial_lift, 10.0);
  EXPECT_NE(checkpoint_identity(lift.config, 1, 1).model, checkpoint_identity(plain.config, 1, 1).model);
  // At its default the key stays out of the identity: checkpoints written before it existed resume.
  EXPECT_EQ(checkpoint_identity(plain.config, 1, 1).config.find("model.initial_lift"), std::string::npos);
  expect_input_error({ini, "--model.initial_lift=-2"}, {"model.initial_lift", "-2", "a decay rate >= 0"});
  expect_input_error(
      {ini, "--problem.type=flow_mixing", "--model.initial_lift=10"},
      {"model.initial_lift", "10", "problem 'flow_mixing'", "derivatives of its initial value"});
  expect_input_error({ini, "--problem.type=helmholtz", "--model.initial_lift=10"},
                     {"model.initial_lift", "10", "problem 'helmholtz' has no time axis"});
  expect_input_error(
      {ini, "--problem.type=nonlinear_diffusion", "--model.hard_boundary=0.5", "--model.initial_lift=10"},
      {"model.initial_lift", "10", "with a hard boundary"});
}

TEST(Config, ResidualTimeDecayKey) {
  const auto ini = write_ini("decay.ini", "[problem]\ntype = allen_cahn\n[model]\ngaussians = 10\n");
  const CommandLine plain = read_command_line({ini}, builtin_pdes());
  EXPECT_EQ(plain.config.sampling.residual_time_decay, 0.0);
  EXPECT_EQ(checkpoint_identity(plain.config, 1, 1).config.find("loss.residual_time_decay"),
            std::string::npos);
  const CommandLine decay = read_command_line({ini, "--loss.residual_time_decay=5"}, builtin_pdes());
  EXPECT_EQ(decay.config.sampling.residual_time_decay, 5.0);
  EXPECT_NE(checkpoint_identity(decay.config, 1, 1).config, checkpoint_identity(plain.config, 1, 1).config);
  expect_input_error({ini, "--loss.residual_time_decay=-1"},
                     {"loss.residual_time_decay", "-1", "a rate in [0, 100]"});
  expect_input_error({ini, "--problem.type=helmholtz", "--loss.residual_time_decay=5"},
                     {"loss.residual_time_decay", "5", "problem 'helmholtz' has no time axis"});
}

TEST(Config, CheckpointKeysAndRestart) {
  const auto ini = write_ini("ck.ini", kGood);
  const CommandLine plain = read_command_line({ini, "--output.dir=run7"}, builtin_pdes());
  EXPECT_EQ(plain.config.checkpoint_every, 0);
  EXPECT_EQ(plain.config.checkpoint_file, "run7/checkpoint.h5");
  EXPECT_FALSE(plain.config.restart);
  EXPECT_EQ(plain.config.train.max_rollbacks, 5);
  const CommandLine r =
      read_command_line({ini, "--output.dir=run7", "--checkpoint.every=50", "--restart"}, builtin_pdes());
  EXPECT_EQ(r.config.checkpoint_every, 50);
  EXPECT_TRUE(r.config.restart);
  EXPECT_EQ(r.config.restart_file, "run7/checkpoint.h5");
  const CommandLine f = read_command_line(
      {ini, "--checkpoint.file=/scratch/c.h5", "--restart=old/c.h5", "--train.max_rollbacks=2"},
      builtin_pdes());
  EXPECT_EQ(f.config.checkpoint_file, "/scratch/c.h5");
  EXPECT_EQ(f.config.restart_file, "old/c.h5");
  EXPECT_EQ(f.config.train.max_rollbacks, 2);
  expect_input_error({ini, "--checkpoint.every=-1"}, {"checkpoint.every", "-1"});
  expect_input_error({ini, "--train.max_rollbacks=-3"}, {"train.max_rollbacks"});
  const CommandLine help = read_command_line({"--help"}, builtin_pdes());
  for (const char* k : {"checkpoint.every", "checkpoint.file", "--restart", "train.max_rollbacks"})
    EXPECT_NE(help.help_text.find(k), std::string::npos) << k;
}

}  // namespace
}  // namespace pigx
