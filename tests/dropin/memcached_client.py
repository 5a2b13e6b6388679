"""Sets N keys on a memcached server with the text protocol, reads them all
back (single and multi-key gets), checks every value, deletes half and checks
they are gone. Exits non-zero on the first mismatch."""
import socket
import sys


class Client:
    def __init__(self, host, port):
        self.sock = socket.create_connection((host, port), timeout=10)
        self.buf = b""

    def send(self, data):
        self.sock.sendall(data)

    def line(self):
        while b"\r\n" not in self.buf:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise RuntimeError("connection closed by server")
            self.buf += chunk
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line

    def exact(self, n):
        while len(self.buf) < n:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise RuntimeError("connection closed by server")
            self.buf += chunk
        data, self.buf = self.buf[:n], self.buf[n:]
        return data


def value_for(i):
    return (b"value-%d-" % i) * (1 + i % 7)


def main():
    host, port, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    c = Client(host, port)
    # Pipeline the sets in batches so the event loop sees partial reads.
    batch = 500
    for start in range(0, count, batch):
        req = b"".join(b"set key%d %d 0 %d\r\n%s\r\n" % (i, i % 65536, len(value_for(i)), value_for(i))
                       for i in range(start, min(count, start + batch)))
        c.send(req)
        for i in range(start, min(count, start + batch)):
            reply = c.line()
            if reply != b"STORED":
                sys.exit("set key%d: %r" % (i, reply))
    for start in range(0, count, 100):
        keys = range(start, min(count, start + 100))
        c.send(b"get " + b" ".join(b"key%d" % i for i in keys) + b"\r\n")
        for i in keys:
            header = c.line().split()
            if len(header) != 4 or header[0] != b"VALUE" or header[1] != b"key%d" % i:
                sys.exit("get key%d: bad header %r" % (i, header))
            if int(header[2]) != i % 65536:
                sys.exit("get key%d: flags %s" % (i, header[2]))
            data = c.exact(int(header[3]) + 2)
            if data[:-2] != value_for(i):
                sys.exit("get key%d: wrong value" % i)
        if c.line() != b"END":
            sys.exit("get: missing END")
    for i in range(0, count, 2):
        c.send(b"delete key%d\r\n" % i)
        if c.line() != b"DELETED":
            sys.exit("delete key%d failed" % i)
    for i in range(0, 200):
        c.send(b"get key%d\r\n" % i)
        first = c.line()
        if i % 2 == 0:
            if first != b"END":
                sys.exit("key%d survived delete" % i)
        else:
            if not first.startswith(b"VALUE"):
                sys.exit("key%d lost" % i)
            c.exact(int(first.split()[3]) + 2)
            c.line()
    print("memcached: %d keys set, read back and checked" % count)


if __name__ == "__main__":
    main()
