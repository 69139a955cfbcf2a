#!/usr/bin/env python3
"""Make the messages of the mp-policy examples.

The messages are written by Python's email package (EmailMessage,
policy.default), as a mail client's library writes them: Japanese
subjects and names as RFC 2047 UTF-8 words, file names as RFC 2231.
Everything is fixed (dates, Message-IDs, boundaries, the bytes of the
attachments), so a second run writes the same bytes.

    python3 testdata/policy/mkmail.py [DIR]      # into testdata/policy/mail
    python3 testdata/policy/mkmail.py --big DIR  # the large ones

The large messages (attachments of 2 MiB, messages of exactly 10 MiB)
are not kept in the repository: test/policy-examples.bats makes them
with --big when it runs.
"""
import datetime
import email.policy
import hashlib
import email.utils
import os
import sys
from email.message import EmailMessage

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "mail")
JST = datetime.timezone(datetime.timedelta(hours=9))
UTC = datetime.timezone.utc
MIB = 1024 * 1024

# the people: the senders are in the example org of testdata/org
ITO = "伊藤 翔 <ito@example.co.jp>"
SATO = "佐藤 花子 <sato@example.co.jp>"      # new-staff.txt: joined in October
KATO = "加藤 亮 <kato@example.co.jp>"        # new-staff.txt: temporary staff
CLIENT = "鈴木 様 <suzuki@client.example.com>"
GROUP = "グループ窓口 <info@group.example.co.jp>"
PARTNER = "田中 様 <tanaka@partner.example>"
CONSULTANT = "山本 様 <yamamoto@consult.example.jp>"
CONSULT_OTHER = "佐々木 様 <sasaki@consult.example.jp>"
BIGCLIENT = "購買部 <buyer@bigclient.example.com>"

# Tuesday 24 November 2026, a workday; the 23rd is 勤労感謝の日
TUESDAY = datetime.datetime(2026, 11, 24, 10, 30, tzinfo=JST)

PHONES = ["03-1234-5678", "06-6123-4567", "045-123-4567", "052-123-4567",
          "011-123-4567", "092-123-4567", "090-1234-5678", "080-2345-6789",
          "070-3456-7890", "075-123-4567"]

ADDRESSES = [
    ("100-0005", "東京都千代田区丸の内1-9-1"),
    ("530-0001", "大阪府大阪市北区梅田3-1-3"),
    ("450-0002", "愛知県名古屋市中村区名駅1-1-4"),
    ("060-0806", "北海道札幌市北区北6条西4丁目"),
    ("812-0012", "福岡県福岡市博多区博多駅中央街1-1"),
    ("600-8216", "京都府京都市下京区東塩小路町721-1"),
    ("220-0011", "神奈川県横浜市西区高島2-16-1"),
    ("980-0021", "宮城県仙台市青葉区中央1-1-1"),
    ("732-0822", "広島県広島市南区松原町2-37"),
    ("651-0096", "兵庫県神戸市中央区雲井通8-1-1"),
]

SURNAMES = ["青木", "石川", "上田", "遠藤", "大野", "岡本", "川口", "北村",
            "工藤", "小林"]


def blob(seed, n):
    """n pseudo-random bytes, the same every run (SHAKE-256 is fast
    enough for the megabytes of the large messages)."""
    return hashlib.shake_256(seed.encode()).digest(n)


def message(name, subject, body, to=(CLIENT,), frm=ITO, cc=(),
            bcc=(), date=TUESDAY):
    """A text/plain message; to, cc and bcc are lists of addresses."""
    msg = EmailMessage(policy=email.policy.default)
    if frm is not None:
        msg["From"] = frm
    if to:
        msg["To"] = ", ".join(to)
    if cc:
        msg["Cc"] = ", ".join(cc)
    if bcc:
        msg["Bcc"] = ", ".join(bcc)
    msg["Subject"] = subject
    msg["Date"] = email.utils.format_datetime(date)
    msg["Message-ID"] = "<policy-%s@example.co.jp>" % name
    if body is not None:
        msg.set_content(body)
    return msg


def attach(msg, name, data, maintype="application", subtype="octet-stream"):
    msg.add_attachment(data, maintype=maintype, subtype=subtype,
                       filename=name)


def serialise(name, msg):
    """The bytes of msg, its boundaries fixed."""
    for i, part in enumerate(p for p in msg.walk() if p.is_multipart()):
        part.set_boundary("=_mp-%s-%d" % (name, i))
    return msg.as_bytes(policy=email.policy.default)


def write(out, name, msg):
    """name.eml in out"""
    with open(os.path.join(out, name + ".eml"), "wb") as f:
        f.write(serialise(name, msg))


def signature(name="伊藤 翔"):
    return "\n--\n株式会社サンプル 営業部 %s\n" % name


def small(out):
    """The messages kept in testdata/policy/mail."""
    text = "鈴木様\n\nいつもお世話になっております。\nお見積りをお送りします。\n"
    write(out, "to-external",
          message("to-external", "お見積りの件", text + signature()))
    write(out, "to-internal",
          message("to-internal", "会議室の予約", "加藤さん\n\n明日の会議室を予約しました。\n"
                  + signature(), to=[KATO], cc=[SATO]))
    write(out, "to-group",
          message("to-group", "グループ会社への連絡", "ご担当者様\n\n来月の定例会の件です。\n"
                  + signature(), to=[GROUP]))
    write(out, "to-bigclient",
          message("to-bigclient", "ご発注の確認", "購買部御中\n\nご発注ありがとうございます。\n"
                  + signature(), to=[BIGCLIENT], cc=[SATO]))

    # the sending time in the Date field
    for name, subject, when in [
            ("date-night", "夜分に失礼します",
             datetime.datetime(2026, 11, 24, 21, 15, tzinfo=JST)),
            ("date-saturday", "週末のご連絡",
             datetime.datetime(2026, 11, 28, 11, 0, tzinfo=JST)),
            ("date-holiday", "祝日のご連絡",
             datetime.datetime(2026, 11, 23, 10, 0, tzinfo=JST)),
            # 10:30 and 19:00 in Tokyo
            ("date-utc-morning", "朝のご連絡",
             datetime.datetime(2026, 11, 24, 1, 30, tzinfo=UTC)),
            ("date-utc-evening", "夕方のご連絡",
             datetime.datetime(2026, 11, 24, 10, 0, tzinfo=UTC))]:
        write(out, name,
              message(name, subject, text + signature(), date=when))

    # new employees and temporary staff (new-staff.txt)
    write(out, "new-staff-external",
          message("new-staff-external", "ご挨拶", "鈴木様\n\n10月に入社しました佐藤です。\n"
                  + signature("佐藤 花子"), frm=SATO))
    write(out, "new-staff-internal",
          message("new-staff-internal", "日報", "伊藤さん\n\n本日の日報です。\n"
                  + signature("佐藤 花子"), frm=SATO, to=[ITO]))
    write(out, "new-staff-bigclient",
          message("new-staff-bigclient", "納期のご連絡", "購買部御中\n\n納期のご連絡です。\n"
                  + signature("加藤 亮"), frm=KATO, to=[BIGCLIENT]))
    write(out, "no-from",
          message("no-from", "差出人なし", text, frm=None))

    # personal data
    lines = "\n".join("%s様 %s" % (s, p) for s, p in zip(SURNAMES, PHONES))
    write(out, "pii-phones-10",
          message("pii-phones-10", "連絡網", "連絡網です。\n\n" + lines + "\n"
                  + signature()))
    lines9 = "\n".join(lines.split("\n")[:9])
    write(out, "pii-phones-9",
          message("pii-phones-9", "連絡網", "連絡網です。\n\n" + lines9 + "\n"
                  + signature()))
    # the tenth is the first again, in full-width digits: 9 numbers
    again = "%s様 ０３－１２３４－５６７８" % SURNAMES[9]
    write(out, "pii-phones-again",
          message("pii-phones-again", "連絡網", "連絡網です。\n\n" + lines9 + "\n"
                  + again + "\n" + signature()))
    rows = ["%s,〒%s,%s" % (s, z, a)
            for s, (z, a) in zip(SURNAMES, ADDRESSES)]
    csv = "氏名,郵便番号,住所\n" + "\n".join(rows) + "\n"
    msg = message("pii-addresses", "顧客リスト", "顧客リストを添付します。\n"
                  + signature())
    msg.add_attachment(csv, subtype="csv", filename="顧客リスト.csv")
    write(out, "pii-addresses", msg)
    # Excel's CSV: Shift_JIS
    msg = message("pii-addresses-sjis", "顧客リスト", "顧客リストを添付します。\n"
                  + signature())
    attach(msg, "顧客リスト.csv", csv.replace("\n", "\r\n").encode("cp932"),
           "text", "csv")
    msg.get_payload()[1].set_param("charset", "shift_jis")
    write(out, "pii-addresses-sjis", msg)
    html = ("<html><body><p>連絡網です。</p><table>\n" +
            "".join("<tr><td>%s様</td><td>%s</td></tr>\n" % (s, p)
                    for s, p in zip(SURNAMES, PHONES)) +
            "</table></body></html>\n")
    msg = message("pii-html", "連絡網", None)
    msg.set_content(html, subtype="html")
    write(out, "pii-html", msg)
    write(out, "pii-few",
          message("pii-few", "訪問のご案内", "鈴木様\n\n弊社の所在地は%s、\n電話は%s、%sです。\n"
                  % (ADDRESSES[0][1], PHONES[0], PHONES[6]) + signature()))

    # attachments
    for n in (2, 3):
        msg = message("attach-%d" % n, "資料送付", "資料を%d点お送りします。\n" % n
                      + signature())
        for i in range(n):
            attach(msg, "資料%d.pdf" % (i + 1),
                   b"%PDF-1.4\n" + blob("attach-%d" % i, 20000),
                   "application", "pdf")
        write(out, "attach-%d" % n, msg)

    # many external addresses in To and Cc
    ext = ["取引先%d <user%d@customer%d.example.com>" % (i, i, i)
           for i in range(1, 13)]
    write(out, "bcc-10",
          message("bcc-10", "セミナーのご案内", "皆様\n\nセミナーのご案内です。\n"
                  + signature(), to=ext[:6], cc=ext[6:10]))
    write(out, "bcc-9",
          message("bcc-9", "セミナーのご案内", "皆様\n\nセミナーのご案内です。\n"
                  + signature(), to=ext[:6], cc=ext[6:9] + [KATO, SATO]))
    # the tenth is the first again, in capitals: 9 addresses
    write(out, "bcc-again",
          message("bcc-again", "セミナーのご案内", "皆様\n\nセミナーのご案内です。\n"
                  + signature(), to=ext[:6],
                  cc=ext[6:9] + ["USER1@CUSTOMER1.EXAMPLE.COM"]))
    write(out, "bcc-in-bcc",
          message("bcc-in-bcc", "セミナーのご案内", "皆様\n\nセミナーのご案内です。\n"
                  + signature(), to=ext[:5], cc=ext[5:8], bcc=ext[8:12]))


def sized(name, to, cc, size, total=None):
    """A message with one attachment of size decoded bytes; with total,
    a text filler makes the whole message exactly total bytes."""
    def make(fill):
        body = "資料をお送りします。\n" + signature()
        if fill:
            body += "\n" + "\n".join(fill[i:i + 70]
                                     for i in range(0, len(fill), 70)) + "\n"
        msg = message(name, "資料送付", body, to=to, cc=cc)
        attach(msg, "資料.pdf", b"%PDF-1.4\n" + blob(name, size - 9),
               "application", "pdf")
        return msg

    msg = make("")
    if total is not None:
        n = 0
        for _ in range(20):
            have = len(serialise(name, make("x" * n)))
            if have == total:
                break
            n += total - have
        msg = make("x" * n)
        assert len(serialise(name, msg)) == total, name
    return msg


def big(out):
    """The large messages, made when the tests run."""
    for name, to, cc, size in [
            ("att-2m-external", [CLIENT], [], 2 * MIB),
            ("att-under-2m-external", [CLIENT], [], 2 * MIB - 1),
            ("att-2m-internal", [KATO], [GROUP], 2 * MIB),
            ("att-2m-partner", [PARTNER], [], 2 * MIB),
            ("att-2m-consultant", [CONSULTANT], [], 2 * MIB),
            ("att-2m-mixed", [PARTNER, CLIENT], [KATO], 2 * MIB),
            ("att-2m-consult-mixed", [CONSULTANT], [CONSULT_OTHER], 2 * MIB)]:
        write(out, name, sized(name, to, cc, size))
    for name, total in [("size-10m", 10 * MIB), ("size-under-10m", 10 * MIB - 1)]:
        write(out, name, sized(name, [CLIENT], [], 7 * MIB, total))


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--big":
        os.makedirs(sys.argv[2], exist_ok=True)
        big(sys.argv[2])
    elif len(sys.argv) <= 2 and sys.argv[1:2] != ["--big"]:
        out = sys.argv[1] if len(sys.argv) == 2 else OUT
        os.makedirs(out, exist_ok=True)
        small(out)
    else:
        sys.exit("usage: mkmail.py [DIR] | --big DIR")


if __name__ == "__main__":
    main()
