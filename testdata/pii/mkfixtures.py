#!/usr/bin/env python3
"""Write testdata/pii/{mynumber,card}.{pos,neg}.

The check digits here are computed independently of mp's C code: the
Individual Number check digit as the Cabinet Office defines it, and
Luhn (ISO/IEC 7812-1).  A positive line is TEXT<TAB>DIGITS; a negative
line is TEXT.  The same random numbers come out on every run (a fixed
seed), so the files only change when this script does.
Run from the repository root:  python3 testdata/pii/mkfixtures.py
(an argument: write into that directory instead; test/pii.bats does,
to hold the files here against what this script writes).
"""
import os
import random
import sys

OUT = sys.argv[1] if len(sys.argv) > 1 else \
    os.path.dirname(os.path.abspath(__file__))
FULL = str.maketrans("0123456789- ", "０１２３４５６７８９－\u3000")


def mynumber_check(body):
    """Check digit of an 11-digit body: P(n) is the nth digit from the
    right, Q(n) = n + 1 for n <= 6 and n - 5 for n >= 7."""
    total = sum(int(body[-n]) * (n + 1 if n <= 6 else n - 5)
                for n in range(1, 12))
    r = total % 11
    return "0" if r <= 1 else str(11 - r)


def luhn_ok(digits):
    total = 0
    for i, ch in enumerate(reversed(digits)):
        v = int(ch)
        if i % 2 == 1:
            v *= 2
            if v > 9:
                v -= 9
        total += v
    return total % 10 == 0


def luhn_complete(payload):
    """payload + the Luhn check digit."""
    for d in "0123456789":
        if luhn_ok(payload + d):
            return payload + d
    raise AssertionError(payload)


def wrong_digit(digits):
    """digits with the last one changed: no longer valid."""
    return digits[:-1] + str((int(digits[-1]) + 1 + random.randrange(9)) % 10)


def group(digits, sizes, sep):
    out, i = [], 0
    for s in sizes:
        out.append(digits[i:i + s])
        i += s
    assert i == len(digits)
    return sep.join(out)


def fours(digits, sep):
    n = len(digits)
    return group(digits, [4] * (n // 4) + ([n % 4] if n % 4 else []), sep)


def write(name, lines, header):
    with open(os.path.join(OUT, name), "w", encoding="utf-8") as f:
        f.write("# Written by testdata/pii/mkfixtures.py: do not edit.\n")
        f.write("# " + header + "\n")
        for line in lines:
            if isinstance(line, tuple):
                line = "\t".join(line)
            f.write(line + "\n")


MYNUMBER_WRAPS = [
    "{}", "個人番号：{}", "マイナンバー {} です", "番号({})", "「{}」",
    "No. {}", "{}まで", "個人番号は{}、", "\u3000{}\u3000", "[{}]",
]


def mynumbers():
    pos, neg = [], []
    for i in range(60):
        body = "".join(random.choice("0123456789") for _ in range(11))
        num = body + mynumber_check(body)
        form = i % 6
        if form == 0:
            text = num
        elif form == 1:
            text = group(num, [4, 4, 4], " ")
        elif form == 2:
            text = group(num, [4, 4, 4], "-")
        elif form == 3:
            text = num.translate(FULL)
        elif form == 4:
            text = group(num, [4, 4, 4], "-").translate(FULL)
        else:
            text = group(num, [4, 4, 4], " ").translate(FULL)
        pos.append((MYNUMBER_WRAPS[i % len(MYNUMBER_WRAPS)].format(text),
                    num))
        bad = wrong_digit(num)
        assert mynumber_check(bad[:11]) != bad[11]
        if i < 30:
            neg.append(MYNUMBER_WRAPS[i % len(MYNUMBER_WRAPS)].format(
                group(bad, [4, 4, 4], "-") if i % 2 else bad))
        elif i < 36:
            neg.append("ID-A" + num)               # glued to letters
        elif i < 42:
            neg.append(num + "7")                  # a longer run
        elif i < 46:
            neg.append(group(num, [4, 4, 4], "-")[:-1] + " " + num[-1])
        elif i < 50:
            neg.append(group(num, [3, 4, 5], "-"))  # not 4-4-4
        elif i < 54:
            neg.append(num[:4] + "-" + num[4:8] + " " + num[8:])  # mixed
        else:
            neg.append("1-" + group(num, [4, 4, 4], "-"))
    # 16 digits in fours that are no card, whose first 12 are a valid
    # My Number: never read as one
    while len(neg) < 64:
        body = "35" + "".join(random.choice("0123456789") for _ in range(9))
        num = body + mynumber_check(body) + "".join(
            random.choice("0123456789") for _ in range(4))
        if not luhn_ok(num):
            neg.append(fours(num, " "))
    return pos, neg


# (prefixes, lengths, groupings) for each brand
BRANDS = [
    ("visa", ["4"], [16, 13, 19]),
    ("mastercard", ["51", "52", "53", "54", "55", "2221", "2500", "2720"],
     [16]),
    ("amex", ["34", "37"], [15]),
    ("jcb", ["3528", "3540", "3589"], [16, 19]),
    ("diners", ["300", "305", "36", "38", "39"], [14, 16]),
    ("discover", ["6011", "644", "649", "65"], [16]),
    ("unionpay", ["62"], [16, 19]),
]

CARD_WRAPS = [
    "{}", "カード番号：{}", "Card {} exp 12/29", "番号({})", "「{}」",
    "{}でお願いします", "VISA {}", "cc: {}",
]


def card_text(num, i):
    n = len(num)
    form = i % 5
    if form == 1 and n == 15:
        return group(num, [4, 6, 5], " ")
    if form == 1 and n == 14:
        return group(num, [4, 6, 4], "-")
    if form == 1:
        return fours(num, " ")
    if form == 2:
        return fours(num, "-")
    if form == 3:
        return fours(num, "-").translate(FULL)
    if form == 4:
        return num.translate(FULL)
    return num


def cards():
    pos, neg = [], []
    i = 0
    for brand, prefixes, lengths in BRANDS:
        for k in range(8):
            prefix = prefixes[k % len(prefixes)]
            n = lengths[k % len(lengths)]
            payload = prefix + "".join(random.choice("0123456789")
                                       for _ in range(n - len(prefix) - 1))
            num = luhn_complete(payload)
            pos.append((CARD_WRAPS[i % len(CARD_WRAPS)].format(
                card_text(num, i)), num))
            bad = wrong_digit(num)
            assert not luhn_ok(bad)
            neg.append(CARD_WRAPS[i % len(CARD_WRAPS)].format(
                card_text(bad, i)))
            i += 1
    # valid Luhn, but no brand has this prefix, or not at this length
    for prefix, n in [("1", 16), ("7", 16), ("8", 16), ("9", 16),
                      ("56", 16), ("2220", 16), ("2721", 16), ("3527", 16),
                      ("3590", 16), ("306", 14), ("6010", 16), ("643", 16),
                      ("4", 14), ("4", 15), ("51", 15), ("34", 16),
                      ("37", 14), ("0", 16)]:
        payload = prefix + "".join(random.choice("0123456789")
                                   for _ in range(n - len(prefix) - 1))
        neg.append(fours(luhn_complete(payload), " "))
    # a valid number, written so it is not one number
    for k in range(8):
        num = luhn_complete("4" + "".join(random.choice("0123456789")
                                          for _ in range(14)))
        neg.append([group(num, [5, 5, 6], " "),          # not 4-4-4-4
                    num + "3",                           # 17 digits, Visa no
                    "X" + num,                           # glued
                    num + "abc",
                    fours(num, " ")[:9] + "-" + fours(num, " ")[10:],
                    group(num, [4, 4, 4, 4], "."),       # dots
                    num[:8] + " " + num[8:],
                    "1-" + fours(num, "-")][k])
    return pos, neg


def main():
    random.seed(20260211)
    pos, neg = mynumbers()
    write("mynumber.pos", pos,
          "My Numbers (check digit computed here) and their value")
    write("mynumber.neg", neg,
          "wrong check digits, longer runs, glued, other groupings")
    pos, neg = cards()
    write("card.pos", pos, "card numbers (Luhn computed here), each brand")
    write("card.neg", neg,
          "wrong Luhn digit, unknown prefixes and lengths, odd groupings")


if __name__ == "__main__":
    main()
