package fakecloud

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The admin API under /_fake/ lets a person (or a script) change the fakes
// while they serve, to watch `terraform plan` notice: push or move tags,
// delete them, queue faults. Parameters come from the query string or a
// POSTed form; answers are JSON, errors {"error": "..."} with HTTP 400.
// It bypasses SetLatency and rewrites: it is not one of the clouds.

const adminHelp = `fakecloud admin API (parameters in the query string or a POSTed form)

GET    /_fake/requests      requests each fake has answered: {"swr":N,"uhub":N,"ppio":N}, with
                            "calls" (per SWR call and UHub Action), "distinct" (different
                            requests per fake: retries and repeats counted once) and
                            "throttled" (answered by -throttle-every)
DELETE /_fake/requests      set every count above to zero
POST   /_fake/swr/push      namespace, repository, tag [, at]: push or move an SWR tag (new digest)
POST   /_fake/swr/sign      namespace, repository, tag [, at]: sign an SWR tag as cosign does
                            (a newer sha256-<digest>.sig tag)
POST   /_fake/swr/delete    namespace, repository, tag: delete an SWR tag
POST   /_fake/uhub/push     repo, image, tag [, at]: push or move a UHub image tag (new digest)
POST   /_fake/uhub/delete   repo, image, tag: delete a UHub image tag
POST   /_fake/ppio/publish  name, tag [, type=private] [, status=normal] [, at]: publish a PPIO
                            image (a new build of that name, created at at, with that tag)
POST   /_fake/ppio/delete   id: delete a PPIO image
POST   /_fake/faults        cloud (swr|uhub|ppio), kind [, count=1] [, code] [, retry_after]:
                            fail the cloud's next count requests. kind is
                              throttle      HTTP 429 (SWR, PPIO) or RetCode 153 (UHub)
                              server-error  HTTP 503 in the cloud's error shape (UHub: a 502 gateway page)
                              retcode       UHub only: RetCode code (>= 2000 is retried) in an HTTP 200
                              reset         the connection drops mid-answer
                              stall         no answer until the client gives up (request_timeout)
                            SWR's queue covers its IAM calls too.
DELETE /_fake/faults        [cloud]: drop the queued faults of one cloud, or of all

at is RFC 3339 (default: now). Example:
  curl -X POST "$URL/_fake/swr/push?namespace=demo&repository=apps/web&tag=v1.0.0"
`

// AdminHelp describes the admin API, for the fakecloud command's -h.
func AdminHelp() string { return adminHelp }

// adminMaxFaults bounds count, so that a typo cannot queue a fault for
// every request of the rest of the session.
const adminMaxFaults = 10000

func (c *Cloud) adminRoutes() *http.ServeMux {
	routes := []struct {
		method, path string
		handler      http.HandlerFunc
	}{
		{http.MethodGet, "/_fake/requests", c.serveRequestCounts},
		{http.MethodDelete, "/_fake/requests", c.adminResetCounts},
		{http.MethodPost, "/_fake/swr/push", c.adminSWRPush},
		{http.MethodPost, "/_fake/swr/sign", c.adminSWRSign},
		{http.MethodPost, "/_fake/swr/delete", c.adminSWRDelete},
		{http.MethodPost, "/_fake/uhub/push", c.adminUHubPush},
		{http.MethodPost, "/_fake/uhub/delete", c.adminUHubDelete},
		{http.MethodPost, "/_fake/ppio/publish", c.adminPPIOPublish},
		{http.MethodPost, "/_fake/ppio/delete", c.adminPPIODelete},
		{http.MethodPost, "/_fake/faults", c.adminAddFault},
		{http.MethodDelete, "/_fake/faults", c.adminClearFaults},
	}
	m := http.NewServeMux()
	allowed := map[string][]string{}
	for _, rt := range routes {
		m.HandleFunc(rt.method+" "+rt.path, rt.handler)
		allowed[rt.path] = append(allowed[rt.path], rt.method)
	}
	// Everything else gets the help: 200 at /_fake/, 405 on a known path
	// with the wrong method, 404 elsewhere.
	m.HandleFunc("/_fake/", func(w http.ResponseWriter, r *http.Request) {
		status := http.StatusNotFound
		if methods, ok := allowed[r.URL.Path]; ok {
			status = http.StatusMethodNotAllowed
			w.Header().Set("Allow", strings.Join(methods, ", "))
		} else if r.URL.Path == "/_fake/" {
			status = http.StatusOK
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(status)
		_, _ = fmt.Fprint(w, adminHelp)
	})
	return m
}

// serveRequestCounts reports how many requests each fake has answered, for
// the benchmarks: GET /_fake/requests.
func (c *Cloud) serveRequestCounts(w http.ResponseWriter, _ *http.Request) {
	adminJSON(w, http.StatusOK, map[string]any{
		"swr": c.SWR.Requests(), "uhub": c.UHub.Requests(), "ppio": c.PPIO.Requests(),
		"calls":     map[string]map[string]int64{"swr": c.SWR.Calls(), "uhub": c.UHub.Calls()},
		"distinct":  c.Distinct(),
		"throttled": c.Throttled(),
	})
}

func (c *Cloud) adminResetCounts(w http.ResponseWriter, _ *http.Request) {
	c.ResetCounts()
	c.serveRequestCounts(w, nil)
}

func adminJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func adminFail(w http.ResponseWriter, format string, args ...any) {
	adminJSON(w, http.StatusBadRequest, map[string]string{"error": fmt.Sprintf(format, args...)})
}

// adminParams reads the named parameters, all required, answering the
// first missing one itself.
func adminParams(w http.ResponseWriter, r *http.Request, names ...string) ([]string, bool) {
	if err := r.ParseForm(); err != nil {
		adminFail(w, "cannot read the parameters: %v", err)
		return nil, false
	}
	values := make([]string, len(names))
	for i, n := range names {
		if values[i] = r.Form.Get(n); values[i] == "" {
			adminFail(w, "parameter %q is missing: %s needs %s", n, r.URL.Path, strings.Join(names, ", "))
			return nil, false
		}
	}
	return values, true
}

// adminTime reads the optional "at": RFC 3339, now when absent.
func adminTime(w http.ResponseWriter, r *http.Request) (time.Time, bool) {
	s := r.Form.Get("at")
	if s == "" {
		return time.Now().UTC(), true
	}
	at, err := time.Parse(time.RFC3339, s)
	if err != nil {
		adminFail(w, "parameter \"at\" is %q: give an RFC 3339 time such as 2025-06-01T12:00:00Z, or leave it out for now", s)
		return time.Time{}, false
	}
	return at, true
}

func (c *Cloud) adminSWRPush(w http.ResponseWriter, r *http.Request) {
	p, ok := adminParams(w, r, "namespace", "repository", "tag")
	if !ok {
		return
	}
	at, ok := adminTime(w, r)
	if !ok {
		return
	}
	c.SWR.PushTag(p[0], p[1], p[2], at)
	t, _ := c.SWR.Tag(p[0], p[1], p[2])
	adminJSON(w, http.StatusOK, map[string]any{
		"namespace": p[0], "repository": p[1], "tag": t.Tag, "digest": t.Digest, "updated": t.Updated.Format(time.RFC3339),
	})
}

// adminSWRSign signs an SWR tag as `cosign sign` does: a signature tag
// sha256-<digest>.sig, pushed (or moved) at at, newer than the image.
func (c *Cloud) adminSWRSign(w http.ResponseWriter, r *http.Request) {
	p, ok := adminParams(w, r, "namespace", "repository", "tag")
	if !ok {
		return
	}
	at, ok := adminTime(w, r)
	if !ok {
		return
	}
	t, found := c.SWR.Tag(p[0], p[1], p[2])
	if !found {
		adminJSON(w, http.StatusBadRequest, map[string]any{"error": fmt.Sprintf("no tag %q in %s/%s to sign", p[2], p[0], p[1])})
		return
	}
	sig := CosignTag(t.Digest, "sig")
	digest := c.SWR.PushManifest(p[0], p[1], sig, CosignSignatureManifest(t.Digest+"@"+at.String()), at)
	adminJSON(w, http.StatusOK, map[string]any{
		"namespace": p[0], "repository": p[1], "signed": p[2], "tag": sig, "digest": digest,
	})
}

func (c *Cloud) adminSWRDelete(w http.ResponseWriter, r *http.Request) {
	p, ok := adminParams(w, r, "namespace", "repository", "tag")
	if !ok {
		return
	}
	_, existed := c.SWR.Tag(p[0], p[1], p[2])
	c.SWR.DeleteTag(p[0], p[1], p[2])
	adminJSON(w, http.StatusOK, map[string]any{"namespace": p[0], "repository": p[1], "tag": p[2], "deleted": existed})
}

func (c *Cloud) adminUHubPush(w http.ResponseWriter, r *http.Request) {
	p, ok := adminParams(w, r, "repo", "image", "tag")
	if !ok {
		return
	}
	at, ok := adminTime(w, r)
	if !ok {
		return
	}
	t := c.UHub.PushImageTag(p[0], p[1], p[2], at)
	adminJSON(w, http.StatusOK, map[string]any{
		"repo": p[0], "image": p[1], "tag": t.TagName, "digest": t.Digest, "update_time": t.UpdateTime.Format(time.RFC3339),
	})
}

func (c *Cloud) adminUHubDelete(w http.ResponseWriter, r *http.Request) {
	p, ok := adminParams(w, r, "repo", "image", "tag")
	if !ok {
		return
	}
	existed := false
	for _, t := range c.UHub.ImageTags(p[0], p[1]) {
		existed = existed || t.TagName == p[2]
	}
	c.UHub.DeleteImageTag(p[0], p[1], p[2])
	adminJSON(w, http.StatusOK, map[string]any{"repo": p[0], "image": p[1], "tag": p[2], "deleted": existed})
}

// ppioStatuses are the image statuses the PPIO API documents.
var ppioStatuses = []string{"unknown", "normal", "hide", "disable", "creating", "deleting"}

// adminPPIOPublish publishes a PPIO image as building and pushing one does:
// a new image of that name (PPIO keeps every build as its own image), with
// one tag, created at at.
func (c *Cloud) adminPPIOPublish(w http.ResponseWriter, r *http.Request) {
	p, ok := adminParams(w, r, "name", "tag")
	if !ok {
		return
	}
	at, ok := adminTime(w, r)
	if !ok {
		return
	}
	typ, status := r.Form.Get("type"), r.Form.Get("status")
	if typ == "" {
		typ = "private"
	}
	if status == "" {
		status = "normal"
	}
	if !slices.Contains(ppioTypes, typ) {
		adminFail(w, "type %q is not one of %s", typ, strings.Join(ppioTypes, ", "))
		return
	}
	if !slices.Contains(ppioStatuses, status) {
		adminFail(w, "status %q is not one of %s", status, strings.Join(ppioStatuses, ", "))
		return
	}
	img := c.PPIO.PushImage(PPIOImage{Name: p[0], Type: typ, Status: status, CreatedAt: at, Tags: []PPIOTag{{Tag: p[1]}}})
	adminJSON(w, http.StatusOK, map[string]any{
		"id": img.ID, "name": img.Name, "type": img.Type, "status": img.Status, "image": img.Image,
		"tag": img.Tags[0].Tag, "full_image_name": img.Tags[0].FullImageName, "created_at": img.CreatedAt.Format(time.RFC3339),
	})
}

func (c *Cloud) adminPPIODelete(w http.ResponseWriter, r *http.Request) {
	p, ok := adminParams(w, r, "id")
	if !ok {
		return
	}
	adminJSON(w, http.StatusOK, map[string]any{"id": p[0], "deleted": c.PPIO.DeleteImage(p[0])})
}

// faultTarget is what the admin API needs of one fake.
type faultTarget interface {
	Inject(n int, fault Fault)
	ClearFaults()
}

func (c *Cloud) faultTargets() map[string]faultTarget {
	return map[string]faultTarget{"swr": c.SWR, "uhub": c.UHub, "ppio": c.PPIO}
}

func (c *Cloud) adminAddFault(w http.ResponseWriter, r *http.Request) {
	p, ok := adminParams(w, r, "cloud", "kind")
	if !ok {
		return
	}
	cloud, kind := p[0], p[1]
	target, known := c.faultTargets()[cloud]
	if !known {
		adminFail(w, "cloud %q is not one of swr, uhub, ppio", cloud)
		return
	}
	count := 1
	if s := r.Form.Get("count"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > adminMaxFaults {
			adminFail(w, "count %q is not a whole number from 1 to %d", s, adminMaxFaults)
			return
		}
		count = n
	}
	fault, err := c.adminFault(cloud, kind, r)
	if err != nil {
		adminFail(w, "%v", err)
		return
	}
	target.Inject(count, fault)
	adminJSON(w, http.StatusOK, map[string]any{"cloud": cloud, "kind": kind, "count": count})
}

// adminFault builds the fault kind for cloud (see adminHelp).
func (c *Cloud) adminFault(cloud, kind string, r *http.Request) (Fault, error) {
	switch kind {
	case "throttle":
		switch cloud {
		case "swr":
			return c.SWR.ThrottleFault(r.Form.Get("retry_after")), nil
		case "uhub":
			return c.UHub.ThrottleFault(), nil
		}
		return c.PPIO.ThrottleFault(), nil
	case "server-error":
		switch cloud {
		case "swr":
			return StatusFault(http.StatusServiceUnavailable, nil, `{"error_code":"SVCSTG.SWR.5000001","error_msg":"service unavailable (fault queued through /_fake/faults)"}`), nil
		case "uhub":
			return StatusFault(http.StatusBadGateway, map[string]string{"Content-Type": "text/html"}, "<html><body><h1>502 Bad Gateway</h1></body></html>"), nil
		}
		return StatusFault(http.StatusServiceUnavailable, nil, `{"code":503,"reason":"SERVICE_UNAVAILABLE","message":"service unavailable (fault queued through /_fake/faults)"}`), nil
	case "retcode":
		if cloud != "uhub" {
			return nil, fmt.Errorf("kind retcode is UHub's only: use it with cloud=uhub")
		}
		code, err := strconv.Atoi(r.Form.Get("code"))
		if err != nil || code <= 0 {
			return nil, fmt.Errorf("kind retcode needs code, a positive RetCode such as 2000 (retried) or 299 (permission denied); got %q", r.Form.Get("code"))
		}
		msg := r.Form.Get("message")
		if msg == "" {
			msg = "fault queued through /_fake/faults"
		}
		return c.UHub.RetCodeFault(code, msg), nil
	case "reset":
		return ResetMidBodyFault(), nil
	case "stall":
		return StallFault(), nil
	}
	return nil, fmt.Errorf("kind %q is not one of throttle, server-error, retcode, reset, stall", kind)
}

func (c *Cloud) adminClearFaults(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		adminFail(w, "cannot read the parameters: %v", err)
		return
	}
	cloud := r.Form.Get("cloud")
	targets := c.faultTargets()
	if cloud != "" {
		t, known := targets[cloud]
		if !known {
			adminFail(w, "cloud %q is not one of swr, uhub, ppio", cloud)
			return
		}
		targets = map[string]faultTarget{cloud: t}
	}
	cleared := make([]string, 0, len(targets))
	for _, name := range []string{"swr", "uhub", "ppio"} {
		if t, ok := targets[name]; ok {
			t.ClearFaults()
			cleared = append(cleared, name)
		}
	}
	adminJSON(w, http.StatusOK, map[string]any{"cleared": cleared})
}
