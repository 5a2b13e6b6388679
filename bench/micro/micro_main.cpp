// main() of every micro-benchmark program (see micro.hpp).
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>
#include <vector>

#include <event2/event.h>

#include "micro.hpp"

extern "C" {
#include "../bench_common.h"
}

namespace micro {
namespace {

struct Entry {
  const char* name;
  BenchFunction function;
};

std::vector<Entry>& entries() {
  static std::vector<Entry> list;
  return list;
}

std::string temp_dir;
std::vector<std::string> temp_files;

void remove_temp_files() {
  for (const std::string& path : temp_files) unlink(path.c_str());
  if (!temp_dir.empty()) rmdir(temp_dir.c_str());
}

}  // namespace

Registration::Registration(const char* name, BenchFunction function) {
  entries().push_back({name, function});
}

void die(const char* what) {
  fprintf(stderr, "micro: %s\n", what);
  fflush(stdout);
  exit(2);
}

struct event_base* new_base() {
  struct event_base* base = event_base_new();
  check(base != nullptr, "event_base_new failed");
  return base;
}

void socket_pair(int fds[2]) {
  check(socketpair(AF_UNIX, SOCK_STREAM, 0, fds) == 0, "socketpair failed");
  for (int i = 0; i < 2; i++) {
    check(fcntl(fds[i], F_SETFL, fcntl(fds[i], F_GETFL) | O_NONBLOCK) == 0, "fcntl failed");
  }
}

const char* write_temp_file(const char* name, const char* text, size_t length) {
  if (temp_dir.empty()) {
    const char* tmp = getenv("TMPDIR");
    std::string pattern = std::string(tmp && *tmp ? tmp : "/tmp") + "/micro-XXXXXX";
    std::vector<char> buf(pattern.begin(), pattern.end());
    buf.push_back('\0');
    check(mkdtemp(buf.data()) != nullptr, "mkdtemp failed");
    temp_dir = buf.data();
    atexit(remove_temp_files);
  }
  temp_files.push_back(temp_dir + "/" + name);
  const char* path = temp_files.back().c_str();
  FILE* f = fopen(path, "w");
  check(f != nullptr, "cannot create a temporary file");
  check(fwrite(text, 1, length, f) == length && fclose(f) == 0, "cannot write a temporary file");
  return path;
}

}  // namespace micro

int main(int argc, char** argv) {
  // Our own option, taken out before Google Benchmark reads the rest.
  long iterations = 0;
  int kept = 1;
  for (int i = 1; i < argc; i++) {
    const char prefix[] = "--micro_iterations=";
    if (strncmp(argv[i], prefix, sizeof prefix - 1) == 0) {
      char* end = nullptr;
      errno = 0;
      iterations = strtol(argv[i] + sizeof prefix - 1, &end, 10);
      if (errno != 0 || *end != '\0' || iterations <= 0) micro::die("bad --micro_iterations");
      continue;
    }
    argv[kept++] = argv[i];
  }
  argc = kept;
  argv[argc] = nullptr;

  bench_check_loaded_library();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  for (const micro::Entry& entry : micro::entries()) {
    benchmark::internal::Benchmark* b = benchmark::RegisterBenchmark(entry.name, entry.function);
    b->Unit(benchmark::kNanosecond);
    if (iterations > 0) b->Iterations(iterations);
  }
  size_t ran = benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  fflush(stdout);
  if (ran == 0) {
    fprintf(stderr, "micro: no benchmark ran\n");
    return 1;
  }
  return 0;
}
