#!/usr/bin/env bats
# The text readers of lib/facts/text.c through test/lib/textprobe.c.
# The documents in testdata/facts were made by python-docx, openpyxl and
# LibreOffice (testdata/facts/mkoffice.py); each FILE.expect holds the
# lines an independent reader (python-docx, openpyxl, ElementTree) found
# in the same file.  Hostile files are made here by mkbomb.py.

load helper
bats_require_minimum_version 1.5.0

F=$TESTDATA/facts
TP=${MP_TEXTPROBE:-$ROOT/build/textprobe}

setup() {
	[ -x "$TP" ] || skip "no $TP (make check builds it)"
	setup_tmp
}

teardown() {
	teardown_tmp
}

# probe ARGS... - textprobe's output into $TMP/out, its status line in
# $status_name
probe() {
	"$TP" "$@" >"$TMP/out"
	status_name=$(head -n 1 "$TMP/out")
}

# has_expected FILE - every line the independent reader found in FILE
# is a line of $TMP/out
has_expected() {
	local line missing=0

	while IFS= read -r line; do
		if ! grep -Fxq -- "$line" "$TMP/out"; then
			echo "missing: $line"
			missing=1
		fi
	done <"$F/$1.expect"
	[ -s "$F/$1.expect" ] && [ "$missing" -eq 0 ]
}

# line_of TEXT - the number of the line of $TMP/out that is TEXT
line_of() {
	grep -Fxn -- "$1" "$TMP/out" | cut -d: -f1
}

# bomb KIND - a hostile DOCX made by mkbomb.py, its path
bomb() {
	python3 "$F/mkbomb.py" "$1" "$TMP/$1.docx"
	echo "$TMP/$1.docx"
}

# quickly SECONDS ARGS... - probe, and it ends within SECONDS
quickly() {
	local limit=$1 start=$SECONDS

	shift
	probe "$@"
	echo "took $((SECONDS - start)) s"
	[ $((SECONDS - start)) -le "$limit" ]
}

@test "DOCX: every paragraph, table cell, header and footer python-docx reads" {
	probe -n report.docx "$F/report.docx"
	[ "$status_name" = ok ]
	has_expected report.docx
}

@test "DOCX: runs join into words, tabs and breaks kept, body before header" {
	probe "$F/report.docx"
	grep -Fxq 'この資料は機密です。' "$TMP/out"
	grep -Fxq "$(printf '品名\t数量')" "$TMP/out"
	grep -Fxq '一行目' "$TMP/out"
	grep -Fxq '二行目 info@example.co.jp' "$TMP/out"
	[ "$(sed -n 2p "$TMP/out")" = '社外秘 見積書' ]
	[ "$(line_of 'お客様各位')" -lt "$(line_of 'ヘッダー 株式会社サンプル')" ]
	[ "$(line_of 'ヘッダー 株式会社サンプル')" -lt \
	    "$(line_of 'フッター 090-8765-4321')" ]
}

@test "XLSX from openpyxl: rows as openpyxl reads them, a phone number stored as a number" {
	probe -t application/vnd.openxmlformats-officedocument.spreadsheetml.sheet \
	    "$F/customers.xlsx"
	[ "$status_name" = ok ]
	has_expected customers.xlsx
	grep -Fxq "$(printf '携帯(数値)\t9012345678\t3.5\tﾊﾝｶｸ')" "$TMP/out"
	[ "$(line_of '氏名	電話	郵便番号	住所')" -lt "$(line_of '社外秘	取扱注意')" ]
}

@test "XLSX from LibreOffice: shared strings that follow the sheet in the ZIP" {
	unzip -Z1 "$F/customers-lo.xlsx" >"$TMP/names"
	[ "$(grep -n sharedStrings "$TMP/names" | cut -d: -f1)" -gt \
	    "$(grep -n worksheets/sheet1 "$TMP/names" | cut -d: -f1)" ]
	probe -n customers-lo.xlsx "$F/customers-lo.xlsx"
	[ "$status_name" = ok ]
	has_expected customers-lo.xlsx
}

@test "PPTX from LibreOffice: slides in order, then the speaker's notes" {
	probe -n slides.pptx "$F/slides.pptx"
	[ "$status_name" = ok ]
	has_expected slides.pptx
	[ "$(line_of '第1四半期 売上報告')" -lt "$(line_of '連絡先: 営業部 03-5555-0101')" ]
	[ "$(line_of '連絡先: 営業部 03-5555-0101')" -lt \
	    "$(line_of '発表者メモ: 担当 鈴木 06-6543-2100')" ]
}

@test "NFKC: full-width digits and signs, half-width katakana" {
	probe -N "$F/report.docx"
	grep -Fxq '携帯:090-1234-5678 ヤマダ タロウ' "$TMP/out"
	probe -N -n list.csv "$F/customers-cp932.csv"
	grep -Fq '髙橋1,090-1111-2222,〒060-0001,テスト' "$TMP/out"
}

@test "normalising: invalid UTF-8 becomes U+FFFD, zero-width space goes" {
	printf 'a\377b\342\200\213c\343\201' >"$TMP/in"
	"$TP" --nfkc "$TMP/in" >"$TMP/out"
	[ "$(cat "$TMP/out")" = "$(printf 'a\357\277\275bc\357\277\275\357\277\275')" ]
}

@test "HTML: scripts, styles and title gone, entities decoded, blocks and cells" {
	"$TP" -N --html "$F/page.html" >"$TMP/out"
	run grep -e スクリプト -e スタイル -e タイトル -e 'color:' -e alert "$TMP/out"
	[ "$status" -eq 1 ]
	grep -Fxq 'ご担当: 山田&鈴木 <営業部> 機密' "$TMP/out"
	grep -Fxq '電話 03-1234-5678 (代表)' "$TMP/out"
	grep -Fxq "$(printf '住所\t〒100-0005 東京都千代田区丸の内1-1-1')" "$TMP/out"
	grep -Fxq '二つ目' "$TMP/out"
	grep -Fxq 'break © 2024' "$TMP/out"
	grep -Fxq '    テキスト' "$TMP/out"
	grep -Fxq '最後の段落太字斜体 終わり' "$TMP/out"
}

@test "HTML: a <meta charset> does not turn UTF-8 into Shift_JIS" {
	grep -q 'charset="shift_jis"' "$F/page.html"
	probe -t text/html "$F/page.html"
	[ "$status_name" = ok ]
	grep -Fxq 'お客様各位' "$TMP/out"
}

@test "HTML from LibreOffice: the paragraphs of the DOCX it was saved from" {
	probe -n report.html "$F/report-lo.html"
	[ "$status_name" = ok ]
	has_expected report-lo.html
}

@test "HTML: 100,000 nested elements stop at the depth limit, quickly" {
	python3 -c 'print("<p>before</p>" + "<div>" * 100000 + "deep" + "</div>" * 100000)' \
	    >"$TMP/deep.html"
	quickly 10 -n deep.html "$TMP/deep.html"
	[ "$status_name" = archive-limit ]
	grep -Fxq before "$TMP/out"
	"$TP" --html "$TMP/deep.html" >"$TMP/out"
	grep -Fxq before "$TMP/out"
}

@test "HTML: malformed markup and bytes that are not UTF-8" {
	printf '<p>caf\351 <b>ok</b><scr<script>x</script>ipt><<< &#0; &bogus; <td>end' \
	    >"$TMP/bad.html"
	"$TP" --html "$TMP/bad.html" >"$TMP/out"
	grep -Fq "$(printf 'caf\357\277\275 ok')" "$TMP/out"
	grep -Fq '&bogus;' "$TMP/out"
	probe -t text/html "$TMP/bad.html"
	[ "$status_name" = ok ]
	grep -Fq 'café ok' "$TMP/out"
}

@test "encrypted: a DOCX saved with a password, PDFs encrypted by qpdf" {
	probe -n report.docx "$F/report-enc.docx"
	[ "$status_name" = encrypted ]
	probe -n report.pdf "$F/report-enc.pdf"
	[ "$status_name" = encrypted ]
	probe -t application/pdf "$F/report-encx.pdf"
	[ "$status_name" = encrypted ]
	probe -n report.pdf "$F/report.pdf"
	[ "$status_name" = none ]
	[ "$(wc -l <"$TMP/out")" -eq 1 ]
}

@test "encrypted: /Encrypt outside the trailer does not count" {
	{
		printf '%%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n'
		printf '2 0 obj << /Length 30 >> stream\nBT (/Encrypt 9 0 R) Tj ET\nendstream endobj\n'
		printf 'trailer << /Root 1 0 R /Size 3 >>\nstartxref\n0\n%%%%EOF\n'
	} >"$TMP/plain.pdf"
	probe "$TMP/plain.pdf"
	[ "$status_name" = none ]
	sed 's|/Size 3|/Size 3 /Encrypt 9 0 R|' "$TMP/plain.pdf" >"$TMP/enc.pdf"
	probe "$TMP/enc.pdf"
	[ "$status_name" = encrypted ]
}

# crlf - the lines of $TMP/out without the CR of the CSV's CRLF
crlf() {
	tr -d '\r' <"$TMP/out" >"$TMP/lines"
	mv "$TMP/lines" "$TMP/out"
}

@test "CSV: CP932, ISO-2022-JP and UTF-8 with a BOM, guessed or labelled" {
	for f in customers-cp932.csv customers-jis.csv customers-utf8.csv; do
		probe -n list.csv "$F/$f"
		[ "$status_name" = ok ]
		crlf
		grep -Fxq '山田太郎,03-1234-5678,〒100-0005,東京都千代田区丸の内1-1-1' \
		    "$TMP/out"
	done
	probe -t text/csv -c Shift_JIS "$F/customers-cp932.csv"
	crlf
	grep -Fxq '髙橋①,090-1111-2222,〒060-0001,ﾃｽﾄ' "$TMP/out"
	probe -t text/csv -c ISO-2022-JP "$F/customers-jis.csv"
	crlf
	grep -Fxq '鈴木花子,06-6543-2100,〒530-0001,大阪府大阪市北区梅田1-2-3' "$TMP/out"
	probe -n list.csv "$F/customers-utf8.csv"
	crlf
	[ "$(sed -n 2p "$TMP/out")" = '氏名,電話,郵便番号,住所' ]
}

@test "text: a NUL does not end the text; the output stops at 16 MB, ok" {
	printf 'first\000second 03-1234-5678\n' >"$TMP/nul.txt"
	probe -n nul.txt "$TMP/nul.txt"
	grep -Fxq 'first second 03-1234-5678' "$TMP/out"
	python3 -c 'import sys; sys.stdout.write("社外秘 03-1234-5678\n" * 1200000)' \
	    >"$TMP/big.txt"
	probe -t text/plain "$TMP/big.txt"
	[ "$status_name" = ok ]
	[ "$(wc -c <"$TMP/out")" -le $((16 * 1024 * 1024 + 20)) ]
	[ "$(wc -c <"$TMP/out")" -ge $((16 * 1024 * 1024 - 20)) ]
	iconv -f UTF-8 -t UTF-8 "$TMP/out" >/dev/null
}

@test "not text: a ZIP that is not OOXML, unknown types, a claim that fails" {
	probe -n files.zip "$F/notoffice.zip"
	[ "$status_name" = none ]
	probe -n report.docx "$F/notoffice.zip"
	[ "$status_name" = undecodable ]
	probe -t application/octet-stream -n photo.jpg "$F/page.html"
	[ "$status_name" = none ]
	probe -n report.xlsx "$F/page.html"
	[ "$status_name" = undecodable ]
	probe -n report.docx "$F/slides.odp"
	[ "$status_name" = undecodable ]
}

@test "truncated DOCX: undecodable, named or typed as one" {
	head -c 20000 "$F/report.docx" >"$TMP/cut.docx"
	probe -n report.docx "$TMP/cut.docx"
	[ "$status_name" = undecodable ]
	probe -t application/vnd.openxmlformats-officedocument.wordprocessingml.document \
	    "$TMP/cut.docx"
	[ "$status_name" = undecodable ]
}

@test "zip bomb: 256 MB in word/document.xml stops at once" {
	quickly 5 -n report.docx "$(bomb bomb)"
	[ "$status_name" = archive-limit ]
}

@test "zip bomb that states a small size: the bytes inflated are counted" {
	quickly 60 -n report.docx "$(bomb liar)"
	[ "$status_name" = archive-limit ]
	grep -Fxq x "$TMP/out"
}

@test "zip bombs: 10,001 entries; ZIPs in ZIPs are not opened" {
	quickly 20 "$(bomb entries)"
	[ "$status_name" = archive-limit ]
	quickly 5 -n report.docx "$(bomb nested)"
	[ "$status_name" = undecodable ]
}

@test "OOXML: deep nesting is read, entities are neither expanded nor fetched" {
	quickly 10 "$(bomb deep)"
	[ "$status_name" = ok ]
	grep -Fxq deep "$TMP/out"
	quickly 5 "$(bomb entity)"
	[ "$status_name" = undecodable ]
	run grep -e lol -e 'root:' "$TMP/out"
	[ "$status" -eq 1 ]
}

@test "textprobe: usage and a missing file" {
	run "$TP"
	[ "$status" -eq 64 ]
	run "$TP" "$TMP/nothing"
	[ "$status" -eq 66 ]
}
