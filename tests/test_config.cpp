// The configuration reader: defaults, overrides, and a clear input error naming the key for every kind
// of bad input.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <string>

#include "pigx/app/run_config.hpp"
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
  expect_input_error({write_ini("g.ini", kGood), "--train.sed=3"}, {"train.sed", "train.seed"});
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

TEST(Config, UnknownProblemListsTypes) {
  expect_input_error({write_ini("p.ini", "[problem]\ntype = navier\n")},
                     {"problem.type", "navier", "helmholtz"});
  expect_input_error({write_ini("q.ini", "[model]\nchannels = 2\n")}, {"problem.type"});
}

TEST(Config, MissingFileAndMalformedIni) {
  expect_input_error({"/nonexistent/x.ini"}, {"/nonexistent/x.ini"});
  expect_input_error({write_ini("bad.ini", "[problem\ntype = helmholtz\n")}, {});
}

TEST(Config, ParameterOfAnotherProblemIsUnknown) {
  expect_input_error({write_ini("g.ini", kGood), "--problem.alpha=1"}, {"problem.alpha"});
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
