// evutil_secure_rng_*: the public face of the secure random generator.
#include <event2/util.h>

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>

namespace {

TEST(UtilSecureRng, InitAndFill) {
  ASSERT_EQ(evutil_secure_rng_init(), 0);
  ASSERT_EQ(evutil_secure_rng_init(), 0);  // Idempotent.
  unsigned char a[256], b[256];
  memset(a, 0, sizeof(a));
  memset(b, 0, sizeof(b));
  evutil_secure_rng_get_bytes(a, sizeof(a));
  evutil_secure_rng_get_bytes(b, sizeof(b));
  EXPECT_NE(memcmp(a, b, sizeof(a)), 0);
  // Every byte value should appear in 64 KiB of output, with no gross bias.
  static unsigned char big[65536];
  evutil_secure_rng_get_bytes(big, sizeof(big));
  int counts[256] = {};
  for (unsigned char c : big) ++counts[c];
  for (int v = 0; v < 256; ++v) {
    EXPECT_GT(counts[v], 128) << v;
    EXPECT_LT(counts[v], 400) << v;
  }
}

TEST(UtilSecureRng, OddSizesAndZeroLength) {
  unsigned char buf[1001];
  for (size_t n : {size_t{1}, size_t{3}, size_t{63}, size_t{64}, size_t{65}, size_t{1001}}) {
    memset(buf, 0, sizeof(buf));
    evutil_secure_rng_get_bytes(buf, n);
    size_t nonzero = 0;
    for (size_t i = 0; i < n; ++i) nonzero += buf[i] != 0;
    if (n >= 63) EXPECT_GT(nonzero, n / 2);
    for (size_t i = n; i < sizeof(buf); ++i) ASSERT_EQ(buf[i], 0) << "wrote past " << n;
  }
  evutil_secure_rng_get_bytes(buf, 0);
  evutil_secure_rng_get_bytes(nullptr, 0);
}

TEST(UtilSecureRng, AddBytesKeepsWorking) {
  evutil_secure_rng_add_bytes("0123456789abcdef", 16);
  evutil_secure_rng_add_bytes(nullptr, 0);
  char big[1000];
  memset(big, 'x', sizeof(big));
  evutil_secure_rng_add_bytes(big, sizeof(big));
  unsigned char a[32], b[32];
  evutil_secure_rng_get_bytes(a, sizeof(a));
  evutil_secure_rng_get_bytes(b, sizeof(b));
  EXPECT_NE(memcmp(a, b, sizeof(a)), 0);
}

TEST(UtilSecureRng, ChildAndParentStreamsDiffer) {
  unsigned char warm[16];
  evutil_secure_rng_get_bytes(warm, sizeof(warm));
  int pipefd[2];
  ASSERT_EQ(pipe(pipefd), 0);
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    unsigned char child[32];
    evutil_secure_rng_get_bytes(child, sizeof(child));
    _exit(write(pipefd[1], child, sizeof(child)) == sizeof(child) ? 0 : 1);
  }
  unsigned char parent[32], child[32];
  evutil_secure_rng_get_bytes(parent, sizeof(parent));
  ASSERT_EQ(read(pipefd[0], child, sizeof(child)), static_cast<ssize_t>(sizeof(child)));
  int status;
  waitpid(pid, &status, 0);
  close(pipefd[0]);
  close(pipefd[1]);
  EXPECT_NE(memcmp(parent, child, sizeof(parent)), 0);
}

TEST(UtilSecureRng, DeviceFileSetting) {
  char dev[] = "/dev/urandom";
  EXPECT_EQ(evutil_secure_rng_set_urandom_device_file(dev), 0);
  EXPECT_EQ(evutil_secure_rng_set_urandom_device_file(nullptr), 0);
  unsigned char buf[8];
  evutil_secure_rng_get_bytes(buf, sizeof(buf));
}

}  // namespace
