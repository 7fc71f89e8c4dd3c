#!/usr/bin/env python3
"""One real TCP connection that carries BYTES bytes from ADDRESS:46000 to ADDRESS:46001, over the
namespace's own loopback path, so its conntrack entry has a byte counter above 2^32. Run inside the
lab namespace (ip netns exec); about 5 s for 4.4 GB here. Usage: big-flow.py ADDRESS BYTES."""
import socket
import sys
import threading

ADDRESS, TOTAL = sys.argv[1], int(sys.argv[2])
CHUNK = 4 << 20

listener = socket.socket()
listener.bind((ADDRESS, 46001))
listener.listen(1)


def sink():
    connection, _ = listener.accept()
    buffer = memoryview(bytearray(CHUNK))
    while connection.recv_into(buffer):
        pass
    connection.close()


receiver = threading.Thread(target=sink)
receiver.start()
sender = socket.socket()
sender.bind((ADDRESS, 46000))
sender.connect((ADDRESS, 46001))
chunk = memoryview(bytearray(CHUNK))
sent = 0
while sent < TOTAL:
    sent += sender.send(chunk[:min(CHUNK, TOTAL - sent)])
sender.shutdown(socket.SHUT_WR)
receiver.join()
sender.close()
listener.close()
