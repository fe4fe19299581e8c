// tctl in a temporal-frontend pod, for `tctl [--address host:port] cluster get-search-attributes`.
// Mirrors temporalio/tctl cli_curr: the SDK client dials and health-checks the frontend first (a
// failure is the CLI logger's FATAL "Failed to create SDK client", cli_curr/factory.go), then
// GetSearchAttributes is printed as "Search attributes:" and an olekukonko/tablewriter table with
// blue headers (errors: ErrorAndExit, "Error: ... / Error Details: ..."); unknown commands are
// urfave/cli's "No help topic for '<name>'" with exit status 3. The frontend is the temporal product
// model (sim/products/temporal.ts): gRPC method paths carried as JSON over HTTP/1.1. A Go program,
// as the real tctl is: kwok starts it for every exec, and a Node start cost the readiness sweep
// ~0.2 s per exec.
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"
)

const (
	workflowService = "temporal.api.workflowservice.v1.WorkflowService"
	dialTimeout     = 10 * time.Second
)

type target struct {
	host, shown string
	port        int
}

type grpcError struct{ message string }

func (e grpcError) Error() string { return e.message }

func usageError(message string, status int) {
	fmt.Fprintln(os.Stderr, message)
	os.Exit(status)
}

var flagRE = regexp.MustCompile(`^--?([^=]+)(?:=(.*))?$`)

func parseArgs(argv []string) (address string, rest []string) {
	address = os.Getenv("TEMPORAL_CLI_ADDRESS")
	if address == "" {
		address = "127.0.0.1:7233"
	}
	for i := 0; i < len(argv); i++ {
		m := flagRE.FindStringSubmatch(argv[i])
		if m == nil || len(rest) > 0 {
			rest = append(rest, argv[i])
			continue
		}
		name, value := m[1], m[2]
		if !strings.Contains(argv[i], "=") {
			if i+1 < len(argv) {
				i++
				value = argv[i]
			}
		}
		switch name {
		case "address", "ad":
			address = value
		case "namespace", "ns", "n":
		default:
			usageError("Incorrect Usage. flag provided but not defined: -"+name, 1)
		}
	}
	return address, rest
}

// Inside the pod, loopback is the pod itself: the frontend model listens on the pod IP.
func targetOf(address string) target {
	sep := strings.LastIndex(address, ":")
	host := address[:sep]
	port, _ := strconv.Atoi(address[sep+1:])
	t := target{host: host, port: port, shown: host}
	if host == "localhost" {
		t.shown = "127.0.0.1"
	}
	t.shown = fmt.Sprintf("%s:%d", t.shown, port)
	if pod := os.Getenv("SW_POD_IP"); pod != "" && (host == "localhost" || host == "127.0.0.1") {
		t.host = pod
	}
	return t
}

// The SDK dials the frontend directly: a proxy in the environment kwok passes on is not the pod's.
var client = &http.Client{Timeout: dialTimeout, Transport: &http.Transport{Proxy: nil}}

func call(to target, service, method string, message any, out any) error {
	body, _ := json.Marshal(message)
	u := fmt.Sprintf("http://%s/%s/%s", net.JoinHostPort(to.host, strconv.Itoa(to.port)), service, method)
	req, _ := http.NewRequest(http.MethodPost, u, bytes.NewReader(body))
	req.Header.Set("content-type", "application/grpc+json")
	res, err := client.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	if err != nil {
		return err
	}
	status := res.Header.Get("grpc-status")
	if status == "" {
		status = "2"
	}
	if status != "0" {
		message, _ := url.PathUnescape(res.Header.Get("grpc-message"))
		return grpcError{message}
	}
	return json.Unmarshal(data, out)
}

func dialError(err error, to target) string {
	var timeout interface{ Timeout() bool }
	if errors.As(err, &timeout) && timeout.Timeout() {
		return "context deadline exceeded"
	}
	cause := err.Error()
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		cause = "connect: connection refused"
	case errors.Is(err, syscall.EHOSTUNREACH):
		cause = "connect: no route to host"
	case errors.Is(err, syscall.ENETUNREACH):
		cause = "connect: network is unreachable"
	case errors.Is(err, syscall.ECONNRESET):
		cause = "read: connection reset by peer"
	}
	return fmt.Sprintf(`last connection error: connection error: desc = "transport: Error while dialing: dial tcp %s: %s"`, to.shown, cause)
}

func reason(err error, to target) string {
	var g grpcError
	if errors.As(err, &g) {
		return g.message
	}
	return dialError(err, to)
}

// The CLI logger (zap console encoder, ISO8601 time, CapitalColorLevelEncoder) then os.Exit(1).
func fatal(message, detail string) {
	var field bytes.Buffer
	enc := json.NewEncoder(&field)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(detail)
	at := time.Now().UTC().Format("2006-01-02T15:04:05.000Z")
	fmt.Fprintf(os.Stderr, "%s\t\x1b[31mFATAL\x1b[0m\t%s\t{\"error\": %s}\n", at, message, strings.TrimSpace(field.String()))
	os.Exit(1)
}

func errorAndExit(message, details string) {
	fmt.Fprintf(os.Stderr, "Error: %s\nError Details: %s\n('export TEMPORAL_CLI_SHOW_STACKS=1' to see stack traces)\n", message, details)
	os.Exit(1)
}

func sdkClient(to target) {
	var health struct {
		Status string `json:"status"`
	}
	if err := call(to, "grpc.health.v1.Health", "Check", map[string]string{"service": workflowService}, &health); err != nil {
		fatal("Failed to create SDK client", "failed reaching server: "+reason(err, to))
	}
	if health.Status != "SERVING" {
		fatal("Failed to create SDK client", "failed reaching server: health check returned unhealthy status: "+health.Status)
	}
	var info map[string]any
	if err := call(to, workflowService, "GetSystemInfo", map[string]any{}, &info); err != nil {
		fatal("Failed to create SDK client", "failed reaching server: "+reason(err, to))
	}
}

// IndexedValueType's String(): INDEXED_VALUE_TYPE_KEYWORD_LIST → KeywordList.
func typeName(enum string) string {
	var b strings.Builder
	for _, part := range strings.Split(strings.ToLower(strings.TrimPrefix(enum, "INDEXED_VALUE_TYPE_")), "_") {
		if part != "" {
			b.WriteString(strings.ToUpper(part[:1]) + part[1:])
		}
	}
	return b.String()
}

// olekukonko/tablewriter's default render: borders, upper-cased centred headers, left-aligned cells.
func table(headers []string, rows [][]string) string {
	widths := make([]int, len(headers))
	for i, h := range headers {
		widths[i] = len(h)
		for _, r := range rows {
			widths[i] = max(widths[i], len(r[i]))
		}
	}
	var b strings.Builder
	line := "+"
	for _, w := range widths {
		line += strings.Repeat("-", w+2) + "+"
	}
	line += "\n"
	b.WriteString(line + "|")
	for i, h := range headers {
		gap := widths[i] - len(h)
		left := gap / 2
		fmt.Fprintf(&b, " \x1b[94m%s%s%s\x1b[0m |", strings.Repeat(" ", left), strings.ToUpper(h), strings.Repeat(" ", gap-left))
	}
	b.WriteString("\n" + line)
	for _, r := range rows {
		b.WriteString("|")
		for i, c := range r {
			fmt.Fprintf(&b, " %-*s |", widths[i], c)
		}
		b.WriteString("\n")
	}
	return b.String() + line
}

func getSearchAttributes(address string) {
	to := targetOf(address)
	sdkClient(to)
	var resp struct {
		Keys map[string]string `json:"keys"`
	}
	if err := call(to, workflowService, "GetSearchAttributes", map[string]any{}, &resp); err != nil {
		errorAndExit("Unable to get search attributes.", reason(err, to))
	}
	names := make([]string, 0, len(resp.Keys))
	for name := range resp.Keys {
		names = append(names, name)
	}
	sort.Strings(names)
	rows := make([][]string, len(names))
	for i, name := range names {
		rows[i] = []string{name, typeName(resp.Keys[name])}
	}
	fmt.Print("Search attributes:\n" + table([]string{"Name", "Type"}, rows))
}

func main() {
	address, rest := parseArgs(os.Args[1:])
	command, subcommand := "", ""
	if len(rest) > 0 {
		command = rest[0]
	}
	if len(rest) > 1 {
		subcommand = rest[1]
	}
	if command != "cluster" && command != "cl" {
		usageError(fmt.Sprintf("No help topic for '%s'", command), 3)
	}
	if subcommand != "get-search-attributes" && subcommand != "gsa" {
		usageError(fmt.Sprintf("No help topic for '%s'", subcommand), 3)
	}
	getSearchAttributes(address)
}
