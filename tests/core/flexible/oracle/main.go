// Renders templates as KrakenD's flexible configuration does: text/template with Sprig's
// GenericFuncMap, marshal and include. One JSON request per input line, one JSON answer per
// output line.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"path"
	"text/template"

	"github.com/Masterminds/sprig"
)

type request struct {
	Name      string                 `json:"name"`
	Template  string                 `json:"template"`
	Vars      map[string]interface{} `json:"vars"`
	Partials  string                 `json:"partials"`
	Templates [][2]string            `json:"templates"`
}

type answer struct {
	Out string `json:"out"`
	Err string `json:"err,omitempty"`
}

func render(r request) (out string, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = panicError{p}
		}
	}()
	funcs := sprig.GenericFuncMap()
	funcs["marshal"] = func(v interface{}) string {
		a, _ := json.Marshal(v)
		return string(a)
	}
	funcs["include"] = func(v interface{}) string {
		a, _ := os.ReadFile(path.Join(r.Partials, v.(string)))
		return string(a)
	}
	tmpl, err := template.New("config").Funcs(funcs).New(r.Name).Parse(r.Template)
	if err != nil {
		return "", err
	}
	for _, t := range r.Templates {
		if _, err = tmpl.New(t[0]).Parse(t[1]); err != nil {
			return "", err
		}
	}
	vars := r.Vars
	if vars == nil {
		vars = map[string]interface{}{}
	}
	var buf bytes.Buffer
	err = tmpl.ExecuteTemplate(&buf, r.Name, vars)
	return buf.String(), err
}

type panicError struct{ v interface{} }

func (p panicError) Error() string { return "panic" }

func main() {
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 1<<26)
	out := json.NewEncoder(os.Stdout)
	for in.Scan() {
		var r request
		d := json.NewDecoder(bytes.NewReader(in.Bytes()))
		if err := d.Decode(&r); err != nil {
			out.Encode(answer{Err: "bad request: " + err.Error()})
			continue
		}
		o, err := render(r)
		a := answer{Out: o}
		if err != nil {
			a.Err = err.Error()
			if a.Err == "" {
				a.Err = "error"
			}
		}
		out.Encode(a)
	}
}
