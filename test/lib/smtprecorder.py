#!/usr/bin/env python3
"""smtprecorder.py - an SMTP server that keeps what its clients send

  smtprecorder.py [OPTION...] DIR

Listens on a free port of 127.0.0.1 (written to DIR/port once it
listens) and says yes to everything: 220 at the start, to EHLO the
extensions a content filter behind Postfix would announce (PIPELINING,
SIZE, 8BITMIME, DSN, SMTPUTF8, XFORWARD, ENHANCEDSTATUSCODES), 354 to
DATA, 221 to QUIT and 250 to anything else (but 503 to RCPT before
MAIL and 554 to DATA without a recipient taken, as Postfix's smtpd).
Every command line of session S (counting from 1) goes to
DIR/S.commands as it came, without its CR LF, one to a line, and to
DIR/commands, where the lines of sessions at the same time mix; the
message of the session's M-th DATA, as it came (CR LF, the dots of
dot-stuffing, the "." line at the end), to DIR/S.M.data.  DIR/S.arrival
has a line for each command line of S: "+ LINE" when it had arrived
before the reply to the line before it was sent (the client pipelined
it), "- LINE" otherwise.  A session's file DIR/S.done appears when it
ends.  A client may pipeline: the lines are read from one buffer
however they arrive.  Runs until it is killed.

Options, to play a server that is not so willing:
  --reply VERB=REPLY    REPLY (e.g. "550 5.7.1 no") to each VERB
  --rcpt ADDR=REPLY     REPLY to RCPT TO:<ADDR>
  --data-reply REPLY    REPLY after the message (LMTP: for each recipient)
  --lmtp                LMTP: LHLO, and after the message a reply for
                        each recipient taken
  --lmtp-reply ADDR=REPLY  LMTP: REPLY for ADDR after the message
  --no-pipelining, --no-dsn, --no-smtputf8, --no-xforward
                        leave that extension out of the EHLO reply
  --close-after N       close the connection after the reply to the
                        N-th message of a session
  --goodbye             with --close-after: say "421" before closing
  --delay VERB=SECONDS  wait before the reply to VERB ("." is the end
                        of the message)
"""

import argparse
import asyncio
import os
import sys

LINE_LIMIT = 1 << 20


def extensions(opt):
    """the EHLO (LHLO) reply the options make"""
    ext = [b"recorder.example"]
    if not opt.no_pipelining:
        ext.append(b"PIPELINING")
    ext += [b"SIZE 10240000", b"8BITMIME"]
    if not opt.no_dsn:
        ext.append(b"DSN")
    if not opt.no_smtputf8:
        ext.append(b"SMTPUTF8")
    if not opt.no_xforward:
        ext.append(b"XFORWARD NAME ADDR PROTO HELO SOURCE PORT IDENT LOGIN")
    ext.append(b"ENHANCEDSTATUSCODES")
    return b"".join(b"250%s%s\r\n" % (b" " if i == len(ext) - 1 else b"-", e)
                    for i, e in enumerate(ext))


def pairs(items):
    """NAME=VALUE options as a dict of bytes, NAME upper case for verbs"""
    out = {}
    for item in items or []:
        name, _, value = item.partition("=")
        out[name.encode()] = value.encode()
    return out


class Lines:
    """the lines a client sends, read from one buffer; how many complete
    lines were waiting when the last reply went out"""

    def __init__(self, reader):
        self.reader = reader
        self.buf = b""
        self.early = 0

    async def readline(self):
        """a line with its LF (at the end, what is left), and whether it
        came before the last reply"""
        while True:
            i = self.buf.find(b"\n")
            if i >= 0:
                line, self.buf = self.buf[:i + 1], self.buf[i + 1:]
                break
            if len(self.buf) > LINE_LIMIT:
                raise ValueError("a line over %d bytes" % LINE_LIMIT)
            chunk = await self.reader.read(65536)
            if not chunk:
                line, self.buf = self.buf, b""
                break
            self.buf += chunk
        early = self.early > 0
        if early:
            self.early -= 1
        return line, early

    def replied(self):
        """a reply is going out: what is buffered came before it"""
        self.early = self.buf.count(b"\n")


class Recorder:
    """the files of DIR, shared by every session"""

    def __init__(self, top, opt):
        self.top = top
        self.opt = opt
        self.ehlo = extensions(opt)
        self.replies = {k.upper(): v for k, v in pairs(opt.reply).items()}
        self.rcpt_replies = pairs(opt.rcpt)
        self.lmtp_replies = pairs(opt.lmtp_reply)
        self.delays = {k.upper(): float(v)
                       for k, v in pairs(opt.delay).items()}
        self.commands = open(os.path.join(top, "commands"), "ab")
        self.sessions = 0

    def path(self, name):
        """a file of DIR"""
        return os.path.join(self.top, name)

    def command(self, mine, arrival, line, early):
        """one command line, kept at once"""
        for f in (mine, self.commands):
            f.write(line + b"\n")
            f.flush()
        arrival.write((b"+ " if early else b"- ") + line + b"\n")
        arrival.flush()

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
        with open(self.path("%d.commands" % s), "wb") as mine, \
                open(self.path("%d.arrival" % s), "wb") as arrival:
            try:
                await self.converse(reader, writer, s, mine, arrival)
            except (ConnectionError, ValueError) as e:
                # a client gone, a line over the limit: the session ends
                print("session %d: %s" % (s, e), file=sys.stderr)
        writer.close()
        open(self.path("%d.done" % s), "wb").close()

    async def reply(self, lines, writer, verb, text):
        """a reply to verb, after its delay"""
        if verb in self.delays:
            await asyncio.sleep(self.delays[verb])
        lines.replied()
        writer.write(text)
        await writer.drain()

    def answer(self, verb, default):
        """the reply to verb: the one given for it, or the default"""
        if verb in self.replies:
            return self.replies[verb] + b"\r\n"
        return default

    async def converse(self, reader, writer, s, mine, arrival):
        """the commands of session s, answered in turn"""
        opt = self.opt
        lines = Lines(reader)
        messages = 0
        mail = False
        rcpts = []
        await self.reply(lines, writer, b"CONNECT",
                         b"220 recorder.example %s\r\n"
                         % (b"LMTP" if opt.lmtp else b"ESMTP"))
        while True:
            line, early = await lines.readline()
            if not line:
                break
            cmd = line[:-2] if line.endswith(b"\r\n") else line.rstrip(b"\n")
            self.command(mine, arrival, cmd, early)
            verb = cmd.split(b" ", 1)[0].upper()
            if verb == (b"LHLO" if opt.lmtp else b"EHLO"):
                out = self.answer(verb, self.ehlo)
            elif verb in (b"EHLO", b"LHLO"):
                out = b"500 5.5.1 Error: command not recognized\r\n"
            elif verb == b"MAIL":
                out = self.answer(verb, b"250 2.1.0 ok\r\n")
                mail = out.startswith(b"2")
                rcpts = []
            elif verb == b"RCPT":
                addr = cmd[8:].split(b">", 1)[0].lstrip(b"<")
                if not mail:
                    out = b"503 5.5.1 Error: need MAIL command\r\n"
                elif addr in self.rcpt_replies:
                    out = self.rcpt_replies[addr] + b"\r\n"
                else:
                    out = self.answer(verb, b"250 2.1.5 ok\r\n")
                if out.startswith(b"2"):
                    rcpts.append(addr)
            elif verb == b"DATA":
                if not rcpts:
                    out = self.answer(
                        verb, b"554 5.5.1 Error: no valid recipients\r\n")
                else:
                    out = self.answer(verb, b"354 go ahead\r\n")
                if not out.startswith(b"354"):
                    await self.reply(lines, writer, verb, out)
                    continue
                await self.reply(lines, writer, verb, out)
                data = b""
                while True:
                    line, _ = await lines.readline()
                    if not line:
                        break
                    data += line
                    if line == b".\r\n":
                        break
                messages += 1
                self.message("%d.%d.data" % (s, messages), data)
                out = await self.delivered(rcpts)
                mail, rcpts = False, []
                await self.reply(lines, writer, b".", out)
                if opt.close_after and messages >= opt.close_after:
                    if opt.goodbye:
                        writer.write(b"421 4.4.2 recorder.example closing\r\n")
                        await writer.drain()
                    break
                continue
            elif verb == b"QUIT":
                await self.reply(lines, writer, verb, b"221 2.0.0 bye\r\n")
                break
            elif verb == b"RSET":
                out = self.answer(verb, b"250 2.0.0 ok\r\n")
                mail, rcpts = False, []
            else:
                out = self.answer(verb, b"250 2.0.0 ok\r\n")
            await self.reply(lines, writer, verb, out)

    async def delivered(self, rcpts):
        """the reply (LMTP: replies) after a message"""
        opt = self.opt
        default = (opt.data_reply.encode() + b"\r\n" if opt.data_reply
                   else b"250 2.0.0 kept\r\n")
        if not opt.lmtp:
            return default
        return b"".join(self.lmtp_replies[a] + b"\r\n"
                        if a in self.lmtp_replies else default
                        for a in rcpts)


async def main(top, opt):
    rec = Recorder(top, opt)
    server = await asyncio.start_server(rec.session, "127.0.0.1", 0,
                                        limit=LINE_LIMIT)
    port = server.sockets[0].getsockname()[1]
    with open(os.path.join(top, "port.tmp"), "w") as f:
        print(port, file=f)
    os.rename(os.path.join(top, "port.tmp"), os.path.join(top, "port"))
    async with server:
        await server.serve_forever()


def options():
    """the command line"""
    p = argparse.ArgumentParser(prog="smtprecorder.py",
                                usage="smtprecorder.py [OPTION...] DIR")
    p.add_argument("dir")
    p.add_argument("--reply", action="append", metavar="VERB=REPLY")
    p.add_argument("--rcpt", action="append", metavar="ADDR=REPLY")
    p.add_argument("--data-reply", metavar="REPLY")
    p.add_argument("--lmtp", action="store_true")
    p.add_argument("--lmtp-reply", action="append", metavar="ADDR=REPLY")
    p.add_argument("--no-pipelining", action="store_true")
    p.add_argument("--no-dsn", action="store_true")
    p.add_argument("--no-smtputf8", action="store_true")
    p.add_argument("--no-xforward", action="store_true")
    p.add_argument("--close-after", type=int, metavar="N")
    p.add_argument("--goodbye", action="store_true")
    p.add_argument("--delay", action="append", metavar="VERB=SECONDS")
    try:
        return p.parse_args()
    except SystemExit as e:
        sys.exit(64 if e.code else 0)


if __name__ == "__main__":
    opt = options()
    asyncio.run(main(opt.dir, opt))
