#!/usr/bin/env python3
"""Regenerate testdata/mail/*.eml.

The Japanese header bytes come from real encoders, not from hand-typed
escapes: nkf(1) writes ISO-2022-JP with the Microsoft extensions
(CP50220, as Outlook sends it), Python's codecs write Shift_JIS, and
Python's email.header writes RFC 2047 UTF-8 words.  Run from the
repository root:  python3 testdata/mkfixtures.py
"""
import email.header
import os
import subprocess

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "mail")


def jis_word(text):
    """RFC 2047 B-encoded ISO-2022-JP-MS, as nkf -M writes it."""
    out = subprocess.run(["nkf", "--ic=UTF-8", "--oc=CP50220", "-M"],
                         input=text.encode(), capture_output=True,
                         check=True).stdout
    return out.decode("ascii").strip()


def jis_raw(text):
    """Raw ISO-2022-JP-MS bytes (old mailers put these in headers)."""
    return subprocess.run(["nkf", "--ic=UTF-8", "--oc=CP50220"],
                          input=text.encode(), capture_output=True,
                          check=True).stdout


def utf8_word(text):
    return email.header.Header(text, "utf-8").encode()


def sjis(text):
    return text.encode("cp932")


def write(name, data):
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(data)


def crlf(data):
    return data.replace(b"\n", b"\r\n")


def main():
    os.makedirs(OUT, exist_ok=True)

    # Japanese display names in every form a gateway sees.  表 and ソ
    # end in the byte 0x5c in Shift_JIS, the backslash.
    jp = b"".join([
        b"From: " + jis_word("山田太郎").encode() + b" <taro@example.co.jp>\n",
        b"To: " + jis_word("①㈱髙橋商事").encode() + b" <info@takahashi.example>,\n",
        b"  " + utf8_word("鈴木花子").encode() + b" <hanako@Example.CO.JP>\n",
        b"Cc: " + sjis("表ソフト") + b" <sjis@partner.example.jp>,\n",
        b"  \"" + sjis("ソフト表") + b"\" <quoted-sjis@external.example>,\n",
        b"  " + jis_raw("生ＪＩＳ") + b" <rawjis@external.example>\n",
        b"Subject: " + jis_word("お見積りの件").encode() + b"\n",
        b"Message-ID: <jp-names.1@example.co.jp>\n",
        b"Date: Mon, 23 Nov 2026 09:00:00 +0900\n",
        b"MIME-Version: 1.0\n",
        b"Content-Type: text/plain; charset=ISO-2022-JP\n",
        b"Content-Transfer-Encoding: 7bit\n",
        b"\n",
        jis_raw("お世話になっております。\n"),
    ])
    write("jp-names.eml", jp)

    # Eleven external recipients and three of ours: over the default
    # threshold of ten.  Names, comments, quotes, groups, IDN, case.
    many = b"".join([
        b"From: " + jis_word("営業部 佐藤").encode() + b" <sato@example.co.jp>\n",
        b"To: \"Doe, John\" <john@customer-a.example>, jane@customer-a.example (Jane),\n",
        b"  " + jis_word("①㈱髙橋商事 御中").encode() + b" <info@takahashi.example>,\n",
        b"  " + utf8_word("鈴木 一郎").encode() + b" <suzuki@example.co.jp>,\n",
        b"  <ops@xn--bcher-kva.example>, user@B\xc3\xbcCHER.example\n",
        b"Cc: Partners: a@partner.example, b@partner.example;,\n",
        b"  \"quoted local\"@customer-b.example, c@customer-b.example,\n",
        b"  Boss <boss@sales.example.co.jp>, d@customer-c.example,\n",
        b"  e@customer-c.example, f@group.example.jp\n",
        b"Bcc: secret@customer-d.example\n",
        b"Subject: " + jis_word("新製品のご案内").encode() + b"\n",
        b"Message-ID: <many.1@example.co.jp>\n",
        b"Date: Mon, 23 Nov 2026 09:30:00 +0900\n",
        b"DKIM-Signature: v=1; a=rsa-sha256; d=example.co.jp; s=s1;\n",
        b"  h=from:subject:date; bh=AAAA; b=BBBB\n",
        b"MIME-Version: 1.0\n",
        b"Content-Type: text/plain; charset=UTF-8\n",
        b"Content-Transfer-Encoding: 8bit\n",
        b"\n",
        "各位\n\n新製品のご案内です。\nFrom here on, 8-bit text.\n".encode(),
    ])
    write("many.eml", many)
    write("many-crlf.eml", crlf(many))
    write("many-from.eml",
          b"From sato@example.co.jp  Mon Nov 23 09:30:00 2026\n" + many)
    write("many-sjis-body.eml",
          many.replace(b"charset=UTF-8", b"charset=Shift_JIS").replace(
              "各位\n\n新製品のご案内です。\n".encode(),
              sjis("各位\n\n新製品のご案内です。\n")))

    # Malformed: a header line without a colon ends the header block
    # early; an unterminated quote; no final line break.
    bad = b"".join([
        b"From: sato@example.co.jp\n",
        b"To: a1@ext1.example, a2@ext1.example, a3@ext1.example, a4@ext1.example,\n",
        b"  a5@ext1.example, a6@ext1.example, a7@ext1.example, a8@ext1.example,\n",
        b"  a9@ext1.example, a10@ext1.example, \"unterminated <a11@ext1.example>\n",
        b"Cc: me@example.co.jp\n",
        b"Subject: broken\n",
        b"this line is not a header\n",
        b"X-After: still body\n",
        b"\n",
        b"body without final newline",
    ])
    write("malformed.eml", bad)

    # The sample the README's demo runs: a product announcement from a
    # sales department to twelve customers, a colleague and a group
    # company, as Outlook sends it (ISO-2022-JP-MS names and subject).
    customers = [("株式会社ＡＢＣ 購買部 御中", "purchase@abc-corp.example"),
                 ("髙橋 一郎 様", "takahashi@takahashi-shoji.example"),
                 ("①番窓口", "window1@service.example"),
                 ("John Smith", "john.smith@globex.example"),
                 ("Mary Jones", "mary@initech.example"),
                 ("山本 健 様", "k.yamamoto@yamamoto-kogyo.example"),
                 ("小林 由美 様", "yumi@kobayashi.example"),
                 ("Procurement", "procurement@umbrella.example"),
                 ("㈱デルタ 総務部", "soumu@delta.example"),
                 ("中村 様", "nakamura@nakamura-trading.example"),
                 ("Dr. Chen", "chen@lab.example"),
                 ("加藤 様", "kato@kato-design.example")]
    to = ",\n  ".join('%s <%s>' % (jis_word(n) if any(ord(c) > 127 for c in n)
                                    else '"%s"' % n, a)
                      for n, a in customers[:8])
    cc = ",\n  ".join(['%s <%s>' % (jis_word(n), a) for n, a in customers[8:]]
                      + ['%s <%s>' % (jis_word("営業部 部長 田中"),
                                      "tanaka@example.co.jp"),
                         '%s <%s>' % (jis_word("営業部 鈴木"),
                                      "suzuki@example.co.jp"),
                         '%s <%s>' % (jis_word("物流センター"),
                                      "logistics@group.example.jp")])
    announce = "".join([
        "From: %s <sato@example.co.jp>\n" % jis_word("営業部 佐藤"),
        "To: %s\n" % to,
        "Cc: %s\n" % cc,
        "Subject: %s\n" % jis_word("【ご案内】新製品発表会のお知らせ"),
        "Message-ID: <announce.20261123@example.co.jp>\n",
        "Date: Mon, 23 Nov 2026 10:00:00 +0900\n",
        "MIME-Version: 1.0\n",
        "Content-Type: text/plain; charset=ISO-2022-JP\n",
        "Content-Transfer-Encoding: 7bit\n",
        "\n"]).encode() + jis_raw(
            "お客様各位\n\n平素より格別のお引き立てを賜り、厚く御礼申し上げます。\n"
            "新製品発表会を下記のとおり開催いたします。\n\n営業部 佐藤\n")
    sample = os.path.join(os.path.dirname(OUT), "sample")
    os.makedirs(sample, exist_ok=True)
    with open(os.path.join(sample, "announce.eml"), "wb") as f:
        f.write(announce)


if __name__ == "__main__":
    main()
