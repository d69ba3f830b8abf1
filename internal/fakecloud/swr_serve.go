package fakecloud

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/registry-tools/terraform-provider-registry/internal/swr"
	"github.com/registry-tools/terraform-provider-registry/internal/swr/sign"
)

// swrCodeTagNotFound answers ShowRepoTag for a tag that does not exist. SWR
// documents only that it is a 404 of its SVCSTG.SWR.404xxxx family; the
// exact number is the fake's choice.
const swrCodeTagNotFound = "SVCSTG.SWR.4040011"

// swrRequest is a request routed to one call.
type swrRequest struct {
	call                       string
	namespace, repository, tag string // repository with '/' back in place of '$'
}

// ServeHTTP serves the SWR calls under /v2/manage/.
func (s *SWR) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	req, routed := routeSWR(r)
	s.serve(w, r, req, routed)
}

// serveIAMProjects serves IAM's GET /v3/projects.
func (s *SWR) serveIAMProjects(w http.ResponseWriter, r *http.Request) {
	s.serve(w, r, swrRequest{call: SWRCallIAMProjects}, r.Method == http.MethodGet)
}

// routeSWR names the call a request is for, from its method and path.
func routeSWR(r *http.Request) (swrRequest, bool) {
	if r.URL.Path == swrSecretPath {
		return swrRequest{call: SWRCallCreateSecret}, r.Method == http.MethodPost
	}
	parts := strings.Split(strings.TrimPrefix(r.URL.Path, "/v2/manage/namespaces/"), "/")
	if r.Method != http.MethodGet || len(parts) < 4 || len(parts) > 5 || parts[1] != "repos" || parts[3] != "tags" {
		return swrRequest{}, false
	}
	req := swrRequest{call: SWRCallListTags, namespace: parts[0], repository: strings.ReplaceAll(parts[2], "$", "/")}
	if len(parts) == 5 {
		req.call, req.tag = SWRCallShowTag, parts[4]
	}
	return req, true
}

// serve does what every call shares, in the service's order: request ID,
// counting (and any queued fault), authentication, the project check for
// AK/SK calls to SWR; then the call itself.
func (s *SWR) serve(w http.ResponseWriter, r *http.Request, req swrRequest, routed bool) {
	w.Header().Set("X-Request-Id", s.requestID())
	if routed {
		s.mu.Lock()
		s.calls[req.call]++
		s.mu.Unlock()
	}
	if s.intercept(w, r) {
		return
	}
	// The signature covers the body (CreateSecret's, empty or "{}").
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		swrError(w, http.StatusBadRequest, "SVCSTG.SWR.4000014", "cannot read the request body")
		return
	}
	akSK, ok := s.authenticate(w, r, body)
	if !ok {
		return
	}
	if !routed {
		swrError(w, http.StatusNotFound, "SVCSTG.SWR.4040000", "no such API: "+r.Method+" "+r.URL.Path)
		return
	}
	if akSK && req.call != SWRCallIAMProjects && !s.knownProject(r.Header.Get("X-Project-Id")) {
		swrError(w, http.StatusUnauthorized, "APIGW.0301", "Incorrect IAM authentication information: X-Project-Id missing or unknown")
		return
	}
	switch req.call {
	case SWRCallListTags:
		s.listTags(w, r, req)
	case SWRCallShowTag:
		s.showTag(w, req)
	case SWRCallIAMProjects:
		s.iamProjects(w, r)
	case SWRCallCreateSecret:
		s.createSecret(w, r, body, akSK)
	}
}

func (s *SWR) requestID() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.reqSeq++
	return fmt.Sprintf("swr-req-%06d", s.reqSeq)
}

func (s *SWR) knownProject(id string) bool {
	if id == "" {
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, ids := range s.projects {
		if slices.Contains(strings.Split(ids, ","), id) {
			return true
		}
	}
	return false
}

// swrError answers an error in SWR's {"error_code","error_msg"} shape.
func swrError(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"error_code": code, "error_msg": msg})
}

func swrJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

// authenticate checks an X-Auth-Token or an AK/SK signature and answers
// the error itself when it fails. It returns whether AK/SK was used.
func (s *SWR) authenticate(w http.ResponseWriter, r *http.Request, body []byte) (akSK, ok bool) {
	if tok := r.Header.Get("X-Auth-Token"); tok != "" {
		s.mu.Lock()
		valid := s.tokens[tok]
		s.mu.Unlock()
		if !valid {
			swrError(w, http.StatusUnauthorized, "APIGW.0301", "Incorrect IAM authentication information: decrypt token fail")
			return false, false
		}
		return false, true
	}
	auth, parsed := sign.ParseAuthorization(r.Header.Get("Authorization"))
	if !parsed {
		swrError(w, http.StatusUnauthorized, "APIGW.0301", "Incorrect IAM authentication information: Authorization header missing or malformed")
		return false, false
	}
	s.mu.Lock()
	key, known := s.keys[auth.AccessKey]
	s.mu.Unlock()
	if !known {
		swrError(w, http.StatusUnauthorized, "APIGW.0301", "Incorrect IAM authentication information: ak "+auth.AccessKey+" not exist")
		return false, false
	}
	if !slices.Contains(auth.SignedHeaders, "host") || !slices.Contains(auth.SignedHeaders, "x-sdk-date") {
		swrError(w, http.StatusUnauthorized, "APIGW.0301", "Incorrect IAM authentication information: host and x-sdk-date must be signed")
		return false, false
	}
	date, err := time.Parse(sign.DateFormat, r.Header.Get(sign.DateHeader))
	if err != nil || time.Since(date).Abs() > swrSignatureMaxSkew {
		swrError(w, http.StatusUnauthorized, "APIGW.0301", "Incorrect IAM authentication information: X-Sdk-Date missing or more than 15 minutes off")
		return false, false
	}
	if key.token != "" && (r.Header.Get("X-Security-Token") != key.token || !slices.Contains(auth.SignedHeaders, "x-security-token")) {
		swrError(w, http.StatusUnauthorized, "APIGW.0301", "Incorrect IAM authentication information: temporary access key needs a valid, signed X-Security-Token")
		return false, false
	}
	if !sign.Verify(r, body, auth, key.secret) {
		swrError(w, http.StatusUnauthorized, "APIGW.0301", "Incorrect IAM authentication information: verify aksk signature fail")
		return false, false
	}
	return true, true
}

// iamProjects answers KeystoneListProjects: the projects named ?name=.
func (s *SWR) iamProjects(w http.ResponseWriter, r *http.Request) {
	name := r.URL.Query().Get("name")
	s.mu.Lock()
	ids := s.projects[name]
	s.mu.Unlock()
	type project struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	}
	out := struct {
		Projects []project `json:"projects"`
	}{Projects: []project{}}
	if ids != "" {
		for _, id := range strings.Split(ids, ",") {
			out.Projects = append(out.Projects, project{ID: id, Name: name})
		}
	}
	swrJSON(w, out)
}

// repoTags returns a copy of a repository's tags, or answers the 404 SWR
// gives for a missing namespace or repository.
func (s *SWR) repoTags(w http.ResponseWriter, req swrRequest) ([]SWRTag, bool) {
	s.mu.Lock()
	ns, nsOK := s.repos[req.namespace]
	tags, repoOK := ns[req.repository]
	tags = slices.Clone(tags)
	s.mu.Unlock()
	switch {
	case !nsOK:
		swrError(w, http.StatusNotFound, swr.CodeNamespaceNotFound, "namespace "+req.namespace+" not found")
	case !repoOK:
		swrError(w, http.StatusNotFound, swr.CodeRepositoryNotFound, "repository "+req.repository+" not found")
	}
	return tags, nsOK && repoOK
}

// listing is the repository's tags that contain filter, in the order
// asked, from listings when no tag has changed since it was sorted. The
// slice is shared: read it, never write it.
func (s *SWR) listing(w http.ResponseWriter, req swrRequest, filter, column, order string) ([]SWRTag, bool) {
	key := swrListingKey{req.namespace, req.repository, filter, column, order}
	s.mu.Lock()
	l, ok := s.listings[key]
	edits := s.edits
	s.mu.Unlock()
	if ok && l.edits == edits {
		return l.tags, true
	}
	tags, ok := s.repoTags(w, req)
	if !ok {
		return nil, false
	}
	if filter != "" {
		tags = slices.DeleteFunc(tags, func(t SWRTag) bool { return !strings.Contains(t.Tag, filter) })
	}
	sortSWRTags(tags, column, order)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.edits == edits {
		s.listings[key] = swrListing{edits: edits, tags: tags}
	}
	return tags, true
}

// showTag answers ShowRepoTag: one tag object, or a 404.
func (s *SWR) showTag(w http.ResponseWriter, req swrRequest) {
	tags, ok := s.repoTags(w, req)
	if !ok {
		return
	}
	i := slices.IndexFunc(tags, func(t SWRTag) bool { return t.Tag == req.tag })
	if i < 0 {
		swrError(w, http.StatusNotFound, swrCodeTagNotFound, "tag "+req.tag+" of repository "+req.repository+" not found")
		return
	}
	swrJSON(w, swrTagJSON(req, tags[i]))
}

// listTags answers ListRepositoryTags: one page of the repository's tags.
func (s *SWR) listTags(w http.ResponseWriter, r *http.Request, req swrRequest) {
	q := r.URL.Query()
	offset, limit := 0, 100
	var err error
	if v := q.Get("offset"); v != "" {
		if offset, err = strconv.Atoi(v); err != nil || offset < 0 {
			swrError(w, http.StatusBadRequest, "SVCSTG.SWR.4000014", "invalid offset")
			return
		}
	}
	if v := q.Get("limit"); v != "" {
		if limit, err = strconv.Atoi(v); err != nil || limit <= 0 {
			swrError(w, http.StatusBadRequest, "SVCSTG.SWR.4000014", "invalid limit")
			return
		}
	}
	limit = min(limit, swrMaxLimit)
	// As strict as the official SDK: the v2 listing orders by updated_at only.
	column, order := q.Get("order_column"), q.Get("order_type")
	if (column == "") != (order == "") {
		swrError(w, http.StatusBadRequest, "SVCSTG.SWR.4000014", "order_column and order_type go together")
		return
	}
	if column != "" && column != "updated_at" {
		swrError(w, http.StatusBadRequest, "SVCSTG.SWR.4001001", "invalid order_column "+column+": only updated_at is supported")
		return
	}
	if order != "" && order != "desc" && order != "asc" {
		swrError(w, http.StatusBadRequest, "SVCSTG.SWR.4001001", "invalid order_type "+order+": desc or asc")
		return
	}

	tags, ok := s.listing(w, req, q.Get("tag"), column, order)
	if !ok {
		return
	}

	total := len(tags)
	page := tags[min(offset, total):min(offset+limit, total)]
	out := make([]swrTagWire, 0, len(page))
	for _, t := range page {
		out = append(out, swrTagJSON(req, t))
	}
	w.Header().Set("Content-Range", fmt.Sprintf("%d-%d/%d", offset, len(page), total))
	swrJSON(w, out)
}

// swrTagWire is a tag as both calls answer it: the stored fields, by
// their json tags, and the keys the fake computes.
type swrTagWire struct {
	SWRTag
	Schema       int64  `json:"schema"`
	Path         string `json:"path"`
	InternalPath string `json:"internal_path"`
	IsTrusted    bool   `json:"is_trusted"`
	DomainID     string `json:"domain_id"`
}

// swrTagJSON is a tag as both calls answer it.
func swrTagJSON(req swrRequest, t SWRTag) swrTagWire {
	return swrTagWire{
		SWRTag: swrSeconds(t), Schema: 2,
		Path:         fmt.Sprintf("%s/%s/%s:%s", swrRegistryHost, req.namespace, req.repository, t.Tag),
		InternalPath: fmt.Sprintf("%s/%s/%s:%s", swrInternalRegistryHost, req.namespace, req.repository, t.Tag),
		DomainID:     DefaultSWRDomainID,
	}
}

// swrSeconds is t with its times cut to the second: SWR sends RFC 3339
// without a fraction, which is what time.Time's MarshalJSON writes for a
// whole second. It cuts every time field of SWRTag (time.Time and
// *time.Time), the pointed-to time copied, not changed.
func swrSeconds(t SWRTag) SWRTag {
	v := reflect.ValueOf(&t).Elem()
	for _, i := range swrTagTimes {
		switch p := v.Field(i).Addr().Interface().(type) {
		case *time.Time:
			*p = p.Truncate(time.Second)
		case **time.Time:
			if *p != nil {
				at := (*p).Truncate(time.Second)
				*p = &at
			}
		}
	}
	return t
}

// swrTagTimes are the indexes of SWRTag's time fields, for swrSeconds.
var swrTagTimes = func() []int {
	var out []int
	tt := reflect.TypeFor[SWRTag]()
	for i := range tt.NumField() {
		if ft := tt.Field(i).Type; ft == reflect.TypeFor[time.Time]() || ft == reflect.TypeFor[*time.Time]() {
			out = append(out, i)
		}
	}
	return out
}()

// sortSWRTags orders a listing as asked: by updated_at, or by creation
// without an order. The real service promises nothing for tags updated in
// the same second; the fake puts them in ascending byte order of the name
// (whatever the direction), which is not the provider's tie-break, so tests
// show that the provider sorts them itself.
func sortSWRTags(tags []SWRTag, column, order string) {
	if column != "updated_at" {
		slices.SortStableFunc(tags, func(a, b SWRTag) int { return cmp.Compare(a.ID, b.ID) })
		return
	}
	slices.SortStableFunc(tags, func(a, b SWRTag) int {
		c := a.Updated.Compare(b.Updated)
		if order == "desc" {
			c = -c
		}
		if c != 0 {
			return c
		}
		return strings.Compare(a.Tag, b.Tag)
	})
}
