#!/usr/bin/env python3
"""Hostile OOXML for test/text.bats, made with Python's zipfile at test
time (too big to keep): mkbomb.py KIND OUT

    bomb      a DOCX whose word/document.xml inflates to 256 MB of
              paragraphs, its size stated truly in the ZIP's headers
    liar      the same, both headers stating 1000 bytes: only counting
              what inflates finds it
    entries   a DOCX with 10,001 entries after its document
    nested    a DOCX-named ZIP of ZIPs of ZIPs (42.zip's shape): no
              OOXML part at all
    deep      a DOCX whose document nests 100,000 elements
    entity    a DOCX whose document declares entities: a billion laughs
              and a file outside (neither may be expanded or read)
"""
import io
import struct
import sys
import zipfile

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
HEAD = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<w:document xmlns:w="%s"><w:body>' % W).encode()
TAIL = b"</w:body></w:document>"
PARA = b"<w:p><w:r><w:t>x</w:t></w:r></w:p>"
TYPES = '<?xml version="1.0"?><Types/>'


def docx(out, body, extra=()):
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", TYPES)
        z.writestr("word/document.xml", body)
        for name, data in extra:
            z.writestr(name, data)


def bomb(out, mb=256):
    chunk = PARA * (1024 * 1024 // len(PARA))
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED,
                         compresslevel=1) as z:
        z.writestr("[Content_Types].xml", TYPES)
        with z.open("word/document.xml", "w") as f:
            f.write(HEAD)
            for _ in range(mb):
                f.write(chunk)
            f.write(TAIL)


def liar(out):
    """The bomb with its uncompressed size stated as 1000 bytes in the
    local header (offset 22) and the central directory (offset 24)."""
    bomb(out)
    with zipfile.ZipFile(out) as z:
        info = z.getinfo("word/document.xml")
    with open(out, "r+b") as f:
        data = bytearray(f.read())
        struct.pack_into("<I", data, info.header_offset + 22, 1000)
        eocd = data.rindex(b"PK\x05\x06")
        at = struct.unpack_from("<I", data, eocd + 16)[0]
        while data[at:at + 4] == b"PK\x01\x02":
            nlen, xlen, clen = struct.unpack_from("<HHH", data, at + 28)
            name = bytes(data[at + 46:at + 46 + nlen])
            if name == b"word/document.xml":
                struct.pack_into("<I", data, at + 24, 1000)
            at += 46 + nlen + xlen + clen
        f.seek(0)
        f.write(data)


def entries(out):
    docx(out, HEAD + PARA + TAIL,
         [("word/media/junk%d.bin" % i, "") for i in range(10001)])


def nested(out):
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("0.txt", b"\0" * (1 << 20))
    for _ in range(3):
        outer = io.BytesIO()
        with zipfile.ZipFile(outer, "w", zipfile.ZIP_DEFLATED) as z:
            for i in range(16):
                z.writestr("lib %d.zip" % i, inner.getvalue())
        inner = outer
    with open(out, "wb") as f:
        f.write(inner.getvalue())


def deep(out):
    docx(out, HEAD + b"<w:p>" + b"<w:r>" * 100000 + b"<w:t>deep</w:t>" +
         b"</w:r>" * 100000 + b"</w:p>" + TAIL)


def entity(out):
    laughs = "".join('<!ENTITY l%d "&l%d;&l%d;&l%d;&l%d;&l%d;&l%d;&l%d;'
                     '&l%d;&l%d;&l%d;">' % ((i,) + (i - 1,) * 10)
                     for i in range(1, 10))
    dtd = ('<!DOCTYPE w:document [<!ENTITY l0 "lol">%s'
           '<!ENTITY file SYSTEM "file:///etc/passwd">]>' % laughs)
    body = ('<?xml version="1.0" encoding="UTF-8"?>%s'
            '<w:document xmlns:w="%s"><w:body>'
            '<w:p><w:r><w:t>before &l9; &file; after</w:t></w:r></w:p>'
            '</w:body></w:document>' % (dtd, W))
    docx(out, body.encode())


if __name__ == "__main__":
    {"bomb": bomb, "liar": liar, "entries": entries, "nested": nested,
     "deep": deep, "entity": entity}[sys.argv[1]](sys.argv[2])
