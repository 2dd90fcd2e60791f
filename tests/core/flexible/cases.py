"""Templates rendered by both the oracle and the gateway: written by hand for every construct
and function, and generated from a fixed seed."""

from __future__ import annotations

import random

SETTINGS = {
    "service": {
        "port": 8080,
        "name": "api",
        "host": "http://127.0.0.1:9",
        "list": [1, "a", None, 2.5, True],
        "hosts": ["http://a", "http://b"],
        "m": {"b": 1, "a": [1, 2], "c": {"d": "e"}},
        "n": None,
        "big": 1234567,
        "huge": 1e21,
        "tiny": 0.000001,
        "f": 0.1,
        "neg": -3,
        "t": True,
        "e": "",
        "html": "<a href='x'>&\"",
        "unicode": "héllo wörld ✓",
        "empty_list": [],
        "empty_map": {},
    },
    "endpoints": {"items": [{"path": "/a", "method": "GET"}, {"path": "/b", "method": "POST"}]},
}

PARTIALS = {"part.json": '"partial": true', "line.txt": "one\ntwo\n"}

TEMPLATES = [
    ("helper.tmpl", '{{ define "h" }}[{{ . }}]{{ end }}helper {{ .service.name }}'),
    ("other.tmpl", '{{ printf "%s:%v" .service.name .service.port }}'),
]

HAND = r"""
{{ .service.port }} {{ .service.name }} {{ .nope }} {{ .service.nope.x }} {{ .service.n }}
====
{{ .service.list }} {{ .service.m }} {{ .service.empty_list }} {{ .service.empty_map }}
====
{{ .service.big }} {{ .service.huge }} {{ .service.tiny }} {{ .service.f }} {{ .service.neg }}
====
{{ 1234567.0 }} {{ 1e21 }} {{ 0.000001 }} {{ 0.00001 }} {{ -0.0 }} {{ 100000.0 }} {{ 1e6 }}
====
{{ 3 }} {{ -3 }} {{ +3 }} {{ 'a' }} {{ '\n' }} {{ 0x1F }} {{ 017 }} {{ 0b101 }} {{ 0o17 }} {{ 1_000 }}
====
{{ 1.5 }} {{ .5 }} {{ 1e3 }} {{ 0x1p4 }} {{ 2.50 }} {{ 123456789.0 }} {{ 0.1234567890123 }}
====
{{ true }} {{ false }} {{ "s" }} {{ `raw\n` }} {{ "esc\t\"q\"" }} {{ "\u00e9\x41" }}
====
{{ nil }}
====
{{ . | len }}
====
{{ $x := 1 }}{{ $x }}{{ $x = 2 }}{{ $x }}{{ $y := "s" }}{{ $y }}
====
{{ $ }}
====
{{ $.service.name }} {{ with .service }}{{ $.service.port }} {{ .name }}{{ end }}
====
{{ if .service.t }}yes{{ end }} {{ if .service.e }}yes{{ else }}no{{ end }}
====
{{ if .service.n }}a{{ else if .service.e }}b{{ else if .service.port }}c{{ else }}d{{ end }}
====
{{ if 0 }}a{{ end }}{{ if 0.0 }}b{{ end }}{{ if .service.empty_list }}c{{ end }}{{ if .service.empty_map }}d{{ end }}{{ if .nope }}e{{ end }}{{ if .service.list }}f{{ end }}
====
{{ with .service.e }}x{{ else }}empty{{ end }} {{ with .service.m.c }}{{ .d }}{{ end }}
====
{{ range .service.hosts }}{{ . }},{{ end }}
====
{{ range $i, $h := .service.hosts }}{{ if $i }},{{ end }}"{{ $h }}"{{ end }}
====
{{ range $k, $v := .service.m }}{{ $k }}={{ $v }};{{ end }}
====
{{ range .service.empty_list }}x{{ else }}none{{ end }} {{ range .nope }}x{{ else }}nothing{{ end }}
====
{{ range $v := .service.list }}{{ $v }}|{{ end }}
====
{{ range $i, $e := .service.list }}{{ $i }}={{ $e }};{{ end }}
====
{{ range .service.list }}{{ .x }}{{ end }}
====
{{ range .service.m }}{{ . }}{{ end }}
====
{{ range $i, $v := until 10 }}{{ if eq $i 2 }}{{ continue }}{{ end }}{{ if gt $i 5 }}{{ break }}{{ end }}{{ $v }}{{ end }}
====
{{ range .service.port }}{{ . }}{{ end }}
====
{{ range .service.name }}{{ . }}{{ end }}
====
{{ define "a" }}A{{ . }}{{ end }}{{ template "a" .service.port }}{{ template "a" }}
====
{{ block "b" .service.name }}B{{ . }}{{ end }}
====
{{ define "rec" }}{{ if . }}{{ . }}{{ template "rec" (sub . 1) }}{{ end }}{{ end }}{{ template "rec" 5 }}
====
{{ template "helper.tmpl" . }} {{ template "h" 1 }} {{ template "other.tmpl" . }}
====
{{ template "nope" }}
====
{{/* a comment */}}a {{- /* trimmed */ -}} b
====
a   {{- 1 -}}   b {{- 2 }} c {{ 3 -}} d
====
{{- "x" -}}
====
x {{ 1 }}
 {{- 2 }}
====
{{ 1 | printf "%d %d" 2 }} {{ "x" | printf "%s-%s" "y" }} {{ .service.name | upper | printf "<%s>" }}
====
{{ (1) }} {{ (print 1 2) }} {{ (list 1 2).x }}
====
{{ (dict "a" (dict "b" 5)).a.b }}
====
{{ len .service.list }} {{ len "héllo" }} {{ len .service.m }} {{ len 3 }}
====
{{ len .nope }}
====
{{ index .service.list 1 }} {{ index .service.m "a" 0 }} {{ index .service.m "zz" }} {{ index "abc" 1 }}
====
{{ index .service.list 9 }}
====
{{ index .service.list "a" }}
====
{{ index .service.m 1 }}
====
{{ index .nope 1 }}
====
{{ slice .service.list 1 3 }} {{ slice .service.list 2 }} {{ slice .service.hosts }}
====
{{ not 0 }} {{ not 1 }} {{ not .nope }} {{ not "" }}
====
{{ or 0 "" "x" }} {{ or 0 "" }} {{ and 1 2 }} {{ and 1 0 3 }} {{ and .service.t .service.name }} {{ or .nope "dflt" }}
====
{{ and 0 (fail "never") }} {{ or 1 (fail "never") }}
====
{{ and }}
====
{{ print 1 2 "a" "b" 3 nil }}|{{ println 1 "a" }}|{{ print }}|{{ print .service.list }}
====
{{ html "<a href='x'>&\"" }}|{{ html 1 2 }}|{{ js "it's <b>\n=&" }}|{{ urlquery "a b&c=d/é~" }}
====
{{ lt 1 2 }} {{ le 2 2 }} {{ gt "b" "a" }} {{ ge 1.5 2.5 }} {{ eq 1 1 2 }} {{ ne "a" "b" }} {{ eq "a" "b" "a" }}
====
{{ eq 1 1.0 }}
====
{{ eq .service.port 8080 }}
====
{{ eq .service.port 8080.0 }} {{ lt .service.f 1.0 }}
====
{{ eq .nope "x" }} {{ eq .service.n "x" }} {{ eq .nope .service.n }}
====
{{ lt "a" 1 }}
====
{{ lt true false }}
====
{{ eq .service.list .service.list }}
====
{{ eq (add 1 1) 2 }} {{ lt (len .service.list) 10 }}
====
{{ call .nope }}
====
{{ printf "%d %5d %-5d| %05d %x %X %o %b %c %q %U %+d" 42 42 42 -42 255 255 8 5 65 66 67 3 }}
====
{{ printf "%v %s %t %v %v %.3f %e %g %G %10.4f|%-10s|%10s|" .service.hosts .service.name true .service.m nil 3.14159 123456.789 0.000012 1e100 2.5 "ab" "cd" }}
====
{{ printf "%5.2f|%-8.3f|%08.3f|%+.1e|%.0f|%.10g|%g|%g" 3.14159 2.5 -1.5 12345.678 2.5 1.0 100000.0 1000000.0 }}
====
{{ printf "%q|%x|%X|% x|%#x|%.2s|%5.1s|%-4q|" "a\"b" "hi" "hi" "hi" "hi" "hello" "xyz" "a" }}
====
{{ printf "%d|%s|%v|%x" .service.list .service.hosts .service.m 255 }}
====
{{ printf "%d" "x" }} {{ printf "%s" 1 }} {{ printf "%d %d" 1 }} {{ printf "%d" 1 2 }} {{ printf "%" }} {{ printf "%s" nil }} {{ printf "%t" 1 }} {{ printf "%z" 1 }}
====
{{ printf "%T %T %T %T %T %T" 1 1.5 "s" true .service.list .service.m }}
====
{{ printf "%*d|%-*d|%.*f" 5 1 4 2 2 3.14159 }}
====
{{ printf "100%%" }} {{ printf "%v%%" 5 }}
====
{{ printf }}
====
{{ upper "abc" }} {{ lower "ABC" }} {{ title "hello world-foo bar_baz" }} {{ trim "  x  " }} {{ trimAll "$" "$$x$" }} {{ trimall "-" "-y-" }}
====
{{ trimPrefix "a" "abc" }} {{ trimSuffix "c" "abc" }} {{ repeat 3 "ab" }} {{ substr 1 3 "hello" }} {{ substr 0 -1 "hello" }} {{ substr 2 99 "hello" }} {{ nospace "a b\tc" }}
====
{{ trunc 3 "hello" }} {{ trunc -2 "hello" }} {{ trunc 10 "hi" }} {{ abbrev 5 "hello world" }} {{ abbrev 20 "short" }} {{ initials "Hello World" }}
====
{{ contains "ell" "hello" }} {{ hasPrefix "he" "hello" }} {{ hasSuffix "lo" "hello" }} {{ quote "a" 1 nil 2.5 }} {{ squote "a" 2 }} {{ cat "a" 1 nil "b" 2.5 }}
====
{{ indent 2 "a\nb" }}|{{ nindent 2 "x" }}|{{ replace "l" "L" "hello" }}|{{ plural "one" "many" 2 }}|{{ plural "one" "many" 1 }}
====
{{ snakecase "HelloWorld" }} {{ kebabcase "HelloWorld" }} {{ camelcase "hello_world" }} {{ swapcase "Hello World" }} {{ untitle "Hello World" }}
====
{{ split "," "a,b,c" }} {{ splitList "," "a,b" }} {{ splitn "," 2 "a,b,c" }} {{ (split "," "x,y")._1 }}
====
{{ join "-" (list 1 "a" 2) }} {{ join "," .service.hosts }} {{ join "," "single" }} {{ sortAlpha (list "b" "a" "C" 1) }} {{ toStrings (list 1 2 nil "x") }}
====
{{ repeat .service.port "x" }}
====
{{ repeat (add 1 1) "x" }}
====
{{ repeat 2 }}
====
{{ upper 1 }}
====
{{ add 1 2 3 }} {{ sub 5 2 }} {{ mul 2 3 4 }} {{ div 7 2 }} {{ div -7 2 }} {{ mod 7 3 }} {{ mod -7 3 }} {{ add1 4 }} {{ max 1 5 3 }} {{ min 4 2 }} {{ biggest 1 9 }}
====
{{ add .service.port 1 }} {{ add .service.f 1 }} {{ add "3" "0x10" "1.0" "x" true nil }} {{ sub .service.neg 1 }} {{ mul .service.big 2 }}
====
{{ div 1 0 }}
====
{{ addf 1.5 2 }} {{ subf 5 1.5 }} {{ mulf 1.5 2 }} {{ divf 1 4 }} {{ add1f 1.5 }} {{ maxf 1 2.5 }} {{ minf 1 2.5 }}
====
{{ floor 1.5 }} {{ ceil 1.2 }} {{ round 3.14159 2 }} {{ round 2.5 0 }} {{ round 1.25 1 0.3 }} {{ floor "2.7" }}
====
{{ int "42" }} {{ int 4.9 }} {{ int64 "0x10" }} {{ float64 "1.5" }} {{ float64 3 }} {{ atoi "12" }} {{ atoi "x" }} {{ toString 1.5 }} {{ toString .service.list }} {{ toDecimal "0777" }}
====
{{ until 3 }} {{ untilStep 0 10 3 }} {{ untilStep 10 0 -4 }} {{ seq 5 }} {{ seq 1 2 10 }} {{ seq 3 1 }} {{ seq 0 }}
====
{{ default "x" "" }} {{ default "x" "y" }} {{ default "d" .nope }} {{ default 5 0 }} {{ .nope | default "piped" }} {{ .service.name | default "no" }}
====
{{ empty "" }} {{ empty 0 }} {{ empty .nope }} {{ empty .service.list }} {{ empty .service.empty_map }} {{ empty 0.0 }} {{ empty false }}
====
{{ coalesce "" 0 "z" }} {{ coalesce .nope .service.name }} {{ coalesce }} {{ all 1 "" }} {{ all 1 "a" }} {{ any 0 "a" }} {{ any }}
====
{{ ternary "a" "b" true }} {{ ternary "a" "b" false }} {{ ternary 1 2 .service.t }}
====
{{ compact (list 1 "" 0 "x" nil) }} {{ uniq (list 1 1 2 "a" "a") }}
====
{{ toJson .service }}
====
{{ toJson .service.unicode }} {{ toJson .service.html }} {{ toRawJson (dict "a" "<b>&") }} {{ toJson (list 1.5 1e21 0.0000001 100.0) }}
====
{{ toPrettyJson .service.m }}
====
{{ toPrettyJson (dict "a" (list) "b" (dict) "c" (list 1 (dict "x" nil))) }}
====
{{ marshal .service }} {{ marshal .endpoints.items }} {{ marshal .nope }} {{ marshal "x<y" }}
====
{{ (fromJson "{\"a\":[1,2]}").a }} {{ fromJson "[1,\"x\"]" }} {{ fromJson "bad" }} {{ fromJson "12345678" }}
====
{{ b64enc "hello" }} {{ b64dec "aGVsbG8=" }} {{ b32enc "hi" }} {{ b32dec "NBUQ====" }} {{ b64enc "" }}
====
{{ first .service.list }} {{ last .service.list }} {{ rest .service.list }} {{ initial .service.list }} {{ reverse .service.list }}
====
{{ first .service.empty_list }} {{ last .service.empty_list }} {{ rest .service.empty_list }} {{ reverse .service.empty_list }}
====
{{ first .service.name }}
====
{{ without (list 1 2 3) 2 }} {{ has 2 (list 1 2) }} {{ has "z" .service.hosts }} {{ append (list 1) 2 }} {{ prepend (list 1) 0 }} {{ concat (list 1) (list 2 3) .service.hosts }} {{ chunk 2 (list 1 2 3) }}
====
{{ mustFirst (list 5) }} {{ mustLast (list 5 6) }} {{ mustAppend .service.hosts "c" }} {{ mustHas 1 (list 1) }} {{ mustUniq (list 2 2) }} {{ mustCompact (list "" "a") }}
====
{{ $d := dict "a" 1 }}{{ $_ := set $d "b" 2 }}{{ $d }} {{ get $d "a" }} {{ get $d "zz" }} {{ hasKey $d "b" }} {{ keys $d | sortAlpha }} {{ pick $d "a" }} {{ omit $d "a" }}
====
{{ $d := dict "a" 1 "b" 2 }}{{ unset $d "a" }} {{ pluck "b" $d (dict "b" 3) (dict) }} {{ values (dict "x" 1) }}
====
{{ merge (dict "a" 1) (dict "a" 2 "b" 3) }} {{ mergeOverwrite (dict "a" 1 "c" 5) (dict "a" 2 "b" 3) }} {{ merge (dict "a" (dict "x" 1)) (dict "a" (dict "y" 2)) }}
====
{{ dig "a" "b" "def" (dict "a" (dict "b" 5)) }} {{ dig "a" "z" "def" (dict "a" (dict "b" 5)) }} {{ dig "m" "c" "d" "none" .service }}
====
{{ dict "k" }} {{ dict }} {{ dict 1 2 }} {{ list }} {{ tuple 1 "a" }}
====
{{ get .service "name" }} {{ hasKey .service "port" }} {{ keys .service.m | sortAlpha }}
====
{{ hasKey (split "," "a") "_0" }}
====
{{ regexMatch "^a.c$" "abc" }} {{ regexFind "[0-9]+" "ab123cd45" }} {{ regexFindAll "[0-9]" "a1b2c3" 2 }} {{ regexFindAll "[0-9]" "a1b2c3" -1 }}
====
{{ regexReplaceAll "a(x*)b" "-ab-axxb-" "${1}W" }} {{ regexReplaceAll "(?P<w>[a-z]+)" "ab 12" "<$w>" }} {{ regexReplaceAllLiteral "a" "banana" "$1" }}
====
{{ regexSplit "," "a,b,c" -1 }} {{ regexSplit "," "a,b,c" 2 }} {{ regexQuoteMeta "a.b*c" }} {{ mustRegexMatch "x+" "xx" }}
====
{{ base "/a/b.txt" }} {{ dir "/a/b.txt" }} {{ clean "/a/../b//c" }} {{ ext "x.tar.gz" }} {{ isAbs "/a" }} {{ base "" }} {{ dir "x" }} {{ osBase "/a/b" }}
====
{{ sha1sum "x" }} {{ sha256sum "x" }} {{ adler32sum "x" }}
====
{{ kindOf 1 }} {{ kindOf "a" }} {{ kindOf .service.list }} {{ kindOf .service.m }} {{ kindOf 1.5 }} {{ kindIs "int" 1 }} {{ typeIs "string" "x" }}
====
{{ typeOf 1 }} {{ typeOf (list) }} {{ typeOf .service.m }} {{ typeOf (add 1 1) }} {{ typeOf .service.port }} {{ typeOf (splitList "," "a") }} {{ typeOf (split "," "a") }}
====
{{ deepEqual (list 1) (list 1) }} {{ deepEqual (dict "a" 1) (dict "a" 2) }}
====
{{ hello }} {{ env "FC_TEST_VAR" }} {{ env "FC_TEST_UNSET" }} {{ expandenv "v=$FC_TEST_VAR ${FC_TEST_VAR}!" }}
====
{{ include "part.json" }}|{{ include "line.txt" }}|{{ include "missing.txt" }}|
====
{{ include 1 }}
====
{{ fail "stop here" }}
====
{{ len (randAlphaNum 8) }} {{ len (randAlpha 3) }} {{ len (randNumeric 4) }} {{ len (randAscii 2) }} {{ len uuidv4 }}
====
{{ if }}
====
{{ end }}
====
{{ else }}
====
{{ range }}{{ end }}
====
{{ if 1 }}
====
{{ .service.port
====
{{ nofunc 1 }}
====
{{ $undefined }}
====
{{ 1 2 }}
====
{{ "a" | "b" }}
====
{{ .service.port.x }}
====
{{ .service.n.x }}
====
{{ .service.port 1 }}
====
{{ 1 | .service.port }}
====
{{ break }}
====
{{ range .service.list }}{{ break 1 }}{{ end }}
====
{{ define "x" }}{{ end }}{{ define "x" }}y{{ end }}{{ template "x" }}
====
{{ define "x" }}a{{ end }}{{ define "x" }}b{{ end }}
====
{{ $x, $y := 1 }}
====
{{ range $a, $b, $c := .service.list }}{{ end }}
====
{{ 1e999 }}
====
{{ 99999999999999999999 }}
====
{{ 1.2.3 }}
====
{{ "unterminated }}
====
{{ ( 1 }}
====
{{ ) }}
====
{{ /* bad comment */ }}
====
{{/* unclosed
====
{{ 3i }}
====
{{ nil.x }}
====
{{ (nil).x }}
====
{{ with $x := .service.m }}{{ $x.b }}{{ end }}{{ with $y := 0 }}{{ else }}{{ $y }}{{ end }}
====
{{ $x := 1 }}{{ if true }}{{ $x = 2 }}{{ $y := 3 }}{{ end }}{{ $x }}
====
{{ range $i, $v := .service.hosts }}{{ $i }}{{ end }}{{ $i }}
====
{{ index .service.m "a" 5 }}
====
{{ "%d" | printf }}
====
{{ print (index .service.list 2) }} {{ index .service.list 2 }} {{ printf "%v" (index .service.list 2) }}
====
{{ .service.list | len | add 1 | printf "%03d" }}
====
{{ range .endpoints.items }}{{ .path }} {{ .method | lower }};{{ end }}
====
{
  "version": 3,
  "name": "{{ .service.name }}",
  "port": {{ .service.port }},
  "endpoints": [{{ range $i, $e := .endpoints.items }}{{ if $i }},{{ end }}
    {"endpoint": "{{ $e.path }}", "method": "{{ $e.method }}",
     "backend": [{"host": {{ marshal $.service.hosts }}, "url_pattern": "{{ $e.path }}"}]}{{ end }}
  ]
}
"""

HAND_CASES = [c.strip("\n") for c in HAND.split("\n====\n") if c.strip()]


# generated ------------------------------------------------------------------------------

_FIELDS = [
    ".service.port",
    ".service.name",
    ".service.list",
    ".service.hosts",
    ".service.m",
    ".service.m.a",
    ".service.m.c.d",
    ".service.f",
    ".service.neg",
    ".service.t",
    ".service.e",
    ".service.n",
    ".service.empty_list",
    ".service.unicode",
    ".nope",
    ".service.big",
]
_LITERALS = ['"abc"', '"a,b"', '" x "', "3", "0", "-2", "1.5", "true", "false", '"8080"', "2"]
_UNARY = [
    "upper",
    "lower",
    "title",
    "trim",
    "len",
    "not",
    "toString",
    "quote",
    "squote",
    "toJson",
    "marshal",
    "b64enc",
    "first",
    "last",
    "rest",
    "empty",
    "int",
    "int64",
    "float64",
    "add1",
    "floor",
    "ceil",
    "kindOf",
    "typeOf",
    "toStrings",
    "print",
    "html",
    "js",
    "urlquery",
    "sortAlpha",
    "reverse",
    "uniq",
    "compact",
    "keys",
    "values",
    "nospace",
    "initials",
    "sha256sum",
    "base",
    "ext",
    "atoi",
    "swapcase",
]
_BINARY = [
    "add",
    "sub",
    "mul",
    "max",
    "min",
    "eq",
    "ne",
    "lt",
    "le",
    "gt",
    "ge",
    "and",
    "or",
    "default",
    "contains",
    "hasPrefix",
    "trimPrefix",
    "trimSuffix",
    "repeat",
    "index",
    "list",
    "cat",
    "print",
    "printf",
    "join",
    "split",
    "splitList",
    "has",
    "append",
    "prepend",
    "without",
    "trunc",
    "indent",
    "coalesce",
    "dict",
    "get",
    "hasKey",
    "addf",
    "mulf",
    "subf",
    "ternary",
    "abbrev",
    "plural",
    "replace",
    "concat",
    "pick",
    "omit",
    "regexMatch",
    "regexFind",
    "until",
    "chunk",
    "mod",
    "div",
]
_FORMATS = [
    '"%v"',
    '"%d"',
    '"%s"',
    '"%q"',
    '"%5.2f"',
    '"%x"',
    '"%t"',
    '"%v-%v"',
    '"%03d"',
    '"%-4s|"',
]


def _operand(rng: random.Random, depth: int) -> str:
    roll = rng.random()
    if depth > 2 or roll < 0.35:
        return rng.choice(_FIELDS)
    if roll < 0.6:
        return rng.choice(_LITERALS)
    if roll < 0.65:
        return rng.choice(["$x", "$", "."])
    return "(" + _pipeline(rng, depth + 1) + ")"


_STRINGS = ['"abc"', '"a,b"', ".service.name", ".service.unicode", '"x y"', "(upper .service.name)"]
_INTS = ["2", "0", "-1", "5", "(len .service.list)", "(int .service.port)"]
_TYPED = {
    "repeat": "is",
    "trunc": "is",
    "indent": "is",
    "abbrev": "is",
    "plural": "ssi",
    "contains": "ss",
    "hasPrefix": "ss",
    "hasSuffix": "ss",
    "trimPrefix": "ss",
    "trimSuffix": "ss",
    "replace": "sss",
    "substr": "iis",
    "splitList": "ss",
    "split": "ss",
    "join": "sa",
    "regexMatch": "ss",
    "regexFind": "ss",
    "until": "i",
    "chunk": "ia",
    "hasKey": "ms",
    "get": "ms",
    "pick": "ms",
    "omit": "ms",
    "wrap": "is",
}


def _typed(rng: random.Random, kinds: str, depth: int) -> str:
    pools = {"s": _STRINGS, "i": _INTS, "m": [".service", ".service.m", '(dict "k" 1)']}
    return " ".join(
        rng.choice(pools[k]) if k in pools and rng.random() < 0.9 else _operand(rng, depth)
        for k in kinds
    )


def _command(rng: random.Random, depth: int) -> str:
    roll = rng.random()
    if roll < 0.2:
        name = rng.choice(sorted(_TYPED))
        return f"{name} {_typed(rng, _TYPED[name], depth)}"
    if roll < 0.35:
        return f"{rng.choice(_UNARY)} {_operand(rng, depth)}"
    if roll < 0.8:
        name = rng.choice(_BINARY)
        if name == "printf":
            return f"printf {rng.choice(_FORMATS)} {_operand(rng, depth)}"
        return f"{name} {_operand(rng, depth)} {_operand(rng, depth)}"
    return _operand(rng, depth)


def _pipeline(rng: random.Random, depth: int = 0) -> str:
    text = _command(rng, depth)
    for _ in range(rng.choice([0, 0, 1, 2])):
        name = rng.choice(
            [*_UNARY, "printf " + rng.choice(_FORMATS), "default " + rng.choice(_LITERALS)]
        )
        text += f" | {name}"
    return text


def _block(rng: random.Random, depth: int = 0) -> str:
    roll = rng.random()
    if depth > 1 or roll < 0.5:
        return "{{ " + _pipeline(rng) + " }}"
    if roll < 0.65:
        return "{{ if " + _pipeline(rng) + " }}T" + _block(rng, depth + 1) + "{{ else }}F{{ end }}"
    if roll < 0.8:
        return (
            "{{ range $i, $v := "
            + rng.choice([".service.list", ".service.hosts", ".service.m", "(until 3)", ".nope"])
            + " }}[{{ $i }}:"
            + rng.choice(["{{ $v }}", "{{ . }}", _block(rng, depth + 1)])
            + "]{{ else }}E{{ end }}"
        )
    if roll < 0.9:
        return "{{ with " + _pipeline(rng) + " }}W{{ . }}{{ else }}N{{ end }}"
    return "{{ $y := " + _pipeline(rng) + " }}{{ $y }}"


def generated_cases(count: int, seed: int = 20240611) -> list[str]:
    rng = random.Random(seed)
    cases = []
    for _ in range(count):
        body = " ".join(_block(rng) for _ in range(rng.randint(1, 3)))
        cases.append('{{ $x := "v" }}' + body)
    return cases
