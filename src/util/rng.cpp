// Secure random numbers: ev::rng_* and evutil_secure_rng_*.
#include "util/rng.hpp"

#include <event2/util.h>

#include <fcntl.h>
#include <pthread.h>
#include <sys/random.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/log.hpp"
#include "util/chacha20.hpp"

namespace ev {
namespace {

constexpr std::size_t kBufferBlocks = 8;
constexpr std::size_t kBufferBytes = kBufferBlocks * kChaChaBlockBytes;
// Fresh kernel entropy after this much output, as arc4random-style
// generators do.
constexpr uint64_t kReseedAfterBytes = 1600000;

struct Generator {
  uint8_t key[kChaChaKeyBytes];
  uint8_t buffer[kBufferBytes];
  std::size_t available;  // Unused bytes at the end of buffer.
  uint64_t since_seed;
  pid_t pid;  // Process that seeded us; a child must not replay our stream.
  bool seeded;
};

Generator g_rng;
pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;
char g_device[256] = "/dev/urandom";  // Used when getrandom() is unavailable.

class Locked {
 public:
  Locked() { pthread_mutex_lock(&g_lock); }
  ~Locked() { pthread_mutex_unlock(&g_lock); }
};

bool read_kernel_entropy(uint8_t* out, std::size_t n) {
  std::size_t got = 0;
  while (got < n) {
    ssize_t r = getrandom(out + got, n - got, 0);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) break;
    got += static_cast<std::size_t>(r);
  }
  if (got == n) return true;

  int fd = open(g_device, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  got = 0;
  while (got < n) {
    ssize_t r = read(fd, out + got, n - got);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) break;
    got += static_cast<std::size_t>(r);
  }
  close(fd);
  return got == n;
}

// Generates a new buffer; its first 32 bytes become the next key at once,
// so a later memory disclosure cannot reveal earlier output.
void refill() {
  static const uint8_t kNonce[kChaChaNonceBytes] = {};
  chacha20_blocks(g_rng.key, kNonce, 0, g_rng.buffer, kBufferBlocks);
  memcpy(g_rng.key, g_rng.buffer, kChaChaKeyBytes);
  memset(g_rng.buffer, 0, kChaChaKeyBytes);
  g_rng.available = kBufferBytes - kChaChaKeyBytes;
}

// XORs data into the key, 32 bytes at a time, refilling between chunks.
void mix_into_key(const uint8_t* data, std::size_t n) {
  while (n > 0) {
    std::size_t chunk = n < kChaChaKeyBytes ? n : kChaChaKeyBytes;
    for (std::size_t i = 0; i < chunk; ++i) g_rng.key[i] ^= data[i];
    refill();
    data += chunk;
    n -= chunk;
  }
}

bool seed_locked() {
  uint8_t fresh[kChaChaKeyBytes];
  bool ok = read_kernel_entropy(fresh, sizeof(fresh));
  if (!ok) {
    // Never hand out a stream an attacker can predict outright; this is
    // weak, and we say so.
    evpriv_warnx("%s: no entropy source available; random numbers are weak", __func__);
    struct {
      timeval tv;
      pid_t pid;
      const void* stack;
    } weak;
    gettimeofday(&weak.tv, nullptr);
    weak.pid = getpid();
    weak.stack = &weak;
    memset(fresh, 0, sizeof(fresh));
    memcpy(fresh, &weak, sizeof(weak) < sizeof(fresh) ? sizeof(weak) : sizeof(fresh));
  }
  mix_into_key(fresh, sizeof(fresh));
  memset(fresh, 0, sizeof(fresh));
  g_rng.since_seed = 0;
  g_rng.pid = getpid();
  g_rng.seeded = true;
  return ok;
}

void ensure_fresh_locked() {
  if (!g_rng.seeded || g_rng.pid != getpid() || g_rng.since_seed >= kReseedAfterBytes)
    seed_locked();
}

}  // namespace

bool rng_init() {
  Locked lock;
  if (g_rng.seeded && g_rng.pid == getpid()) return true;
  return seed_locked();
}

void rng_bytes(void* buf, std::size_t n) {
  if (buf == nullptr || n == 0) return;
  Locked lock;
  ensure_fresh_locked();
  uint8_t* out = static_cast<uint8_t*>(buf);
  while (n > 0) {
    if (g_rng.available == 0) refill();
    std::size_t take = n < g_rng.available ? n : g_rng.available;
    uint8_t* src = g_rng.buffer + kBufferBytes - g_rng.available;
    memcpy(out, src, take);
    memset(src, 0, take);  // Handed-out bytes do not stay in memory.
    g_rng.available -= take;
    g_rng.since_seed += take;
    out += take;
    n -= take;
  }
}

void rng_add_entropy(const void* data, std::size_t n) {
  if (data == nullptr || n == 0) return;
  Locked lock;
  ensure_fresh_locked();
  mix_into_key(static_cast<const uint8_t*>(data), n);
}

}  // namespace ev

extern "C" {

int evutil_secure_rng_init(void) { return ev::rng_init() ? 0 : -1; }

void evutil_secure_rng_get_bytes(void* buf, size_t n) { ev::rng_bytes(buf, n); }

void evutil_secure_rng_add_bytes(const char* dat, size_t datlen) {
  ev::rng_add_entropy(dat, datlen);
}

// Names the device read when getrandom(2) is unavailable (NULL restores
// /dev/urandom).  0, or -1 when the path is too long; the file is only
// read when needed.
int evutil_secure_rng_set_urandom_device_file(char* fname) {
  ev::Locked lock;
  const char* name = (fname != nullptr && fname[0] != '\0') ? fname : "/dev/urandom";
  std::size_t len = strlen(name);
  if (len >= sizeof(ev::g_device)) {
    evpriv_warnx("%s: device path too long", __func__);
    return -1;
  }
  memcpy(ev::g_device, name, len + 1);
  return 0;
}

}  // extern "C"
