#!/usr/bin/env python3
"""smtprecorder.py - an SMTP server that keeps what its clients send

  smtprecorder.py DIR

Listens on a free port of 127.0.0.1 (written to DIR/port once it
listens) and says yes to everything: 220 at the start, to EHLO the
extensions a content filter behind Postfix would announce (PIPELINING,
SIZE, 8BITMIME, DSN, SMTPUTF8, XFORWARD, ENHANCEDSTATUSCODES), 354 to
DATA, 221 to QUIT and 250 to anything else.  Every command line of
session S (counting from 1) goes to DIR/S.commands as it came, without
its CR LF, one to a line, and to DIR/commands, where the lines of
sessions at the same time mix; the message of the session's M-th DATA,
as it came (CR LF, the dots of dot-stuffing, the "." line at the end),
to DIR/S.M.data.  A session's file DIR/S.done appears when it ends.  A
client may pipeline: the lines are read from one buffer however they
arrive.  Runs until it is killed.
"""

import asyncio
import os
import sys

EHLO = (b"250-recorder.example\r\n"
        b"250-PIPELINING\r\n"
        b"250-SIZE 10240000\r\n"
        b"250-8BITMIME\r\n"
        b"250-DSN\r\n"
        b"250-SMTPUTF8\r\n"
        b"250-XFORWARD NAME ADDR PROTO HELO SOURCE PORT IDENT LOGIN\r\n"
        b"250 ENHANCEDSTATUSCODES\r\n")


class Recorder:
    """the files of DIR, shared by every session"""

    def __init__(self, top):
        self.top = top
        self.commands = open(os.path.join(top, "commands"), "ab")
        self.sessions = 0

    def path(self, name):
        """a file of DIR"""
        return os.path.join(self.top, name)

    def command(self, mine, line):
        """one command line, kept at once"""
        for f in (mine, self.commands):
            f.write(line + b"\n")
            f.flush()

    def message(self, name, data):
        """one message of DATA, written whole under a name that appears
        only when it is complete"""
        with open(self.path(name + ".tmp"), "wb") as f:
            f.write(data)
        os.rename(self.path(name + ".tmp"), self.path(name))

    async def session(self, reader, writer):
        """one client, to QUIT or to its end"""
        self.sessions += 1
        s = self.sessions
        with open(self.path("%d.commands" % s), "wb") as mine:
            try:
                await self.converse(reader, writer, s, mine)
            except (ConnectionError, ValueError) as e:
                # a client gone, a line over the limit: the session ends
                print("session %d: %s" % (s, e), file=sys.stderr)
        writer.close()
        open(self.path("%d.done" % s), "wb").close()

    async def converse(self, reader, writer, s, mine):
        """the commands of session s, answered in turn"""
        messages = 0
        writer.write(b"220 recorder.example ESMTP\r\n")
        await writer.drain()
        while True:
            line = await reader.readline()
            if not line:
                break
            cmd = line[:-2] if line.endswith(b"\r\n") else line.rstrip(b"\n")
            self.command(mine, cmd)
            verb = cmd.split(b" ", 1)[0].upper()
            if verb == b"EHLO":
                writer.write(EHLO)
            elif verb == b"DATA":
                writer.write(b"354 go ahead\r\n")
                await writer.drain()
                data = b""
                while True:
                    line = await reader.readline()
                    if not line:
                        break
                    data += line
                    if line == b".\r\n":
                        break
                messages += 1
                self.message("%d.%d.data" % (s, messages), data)
                writer.write(b"250 2.0.0 kept\r\n")
            elif verb == b"QUIT":
                writer.write(b"221 2.0.0 bye\r\n")
                await writer.drain()
                break
            else:
                writer.write(b"250 2.0.0 ok\r\n")
            await writer.drain()


async def main(top):
    rec = Recorder(top)
    server = await asyncio.start_server(rec.session, "127.0.0.1", 0,
                                        limit=1 << 20)
    port = server.sockets[0].getsockname()[1]
    with open(os.path.join(top, "port.tmp"), "w") as f:
        print(port, file=f)
    os.rename(os.path.join(top, "port.tmp"), os.path.join(top, "port"))
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    if len(sys.argv) != 2:
        print("usage: smtprecorder.py DIR", file=sys.stderr)
        sys.exit(64)
    asyncio.run(main(sys.argv[1]))
