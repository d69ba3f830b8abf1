package provider

import (
	"context"
	"errors"
	"io"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/registry-tools/terraform-provider-registry/internal/apierror"
	"github.com/registry-tools/terraform-provider-registry/internal/fieldtable"
	"github.com/registry-tools/terraform-provider-registry/internal/swr"
	"github.com/registry-tools/terraform-provider-registry/internal/tagkind"
)

var (
	_ datasource.DataSource              = &swrTagsDataSource{}
	_ datasource.DataSourceWithConfigure = &swrTagsDataSource{}
	_ fieldtable.DataSource              = &swrTagsDataSource{}
)

// NewSWRTagsDataSource is registry_swr_tags.
func NewSWRTagsDataSource() datasource.DataSource { return &swrTagsDataSource{} }

type swrTagsDataSource struct{ configured }

// swrTagsState is one read: the arguments, decoded from the
// configuration by swrTagsTable' table, and what the listing found.
type swrTagsState struct {
	namespace, repository, tag, tagRegex types.String
	includeManifest                      types.Bool
	timeouts                             timeouts.Value

	total int64
	tags  swrTagList // filtered and sorted
}

// swrNamespaceRule is SWR's organization-name rule: a lower-case letter
// first, then lower-case letters and digits, single '.', '-' or '_' (or
// '__') between them, a letter or digit last.
var swrNamespaceRule = regexp.MustCompile(`^[a-z](?:[a-z0-9]|[.\-][a-z0-9]|__?[a-z0-9])*$`)

// swrRepositoryRule is SWR's image-name rule, '/' allowed between parts.
var swrRepositoryRule = regexp.MustCompile(`^[a-z0-9](?:[a-z0-9]|[._-][a-z0-9]|__[a-z0-9])*(?:/[a-z0-9](?:[a-z0-9]|[._-][a-z0-9]|__[a-z0-9])*)*$`)

// swrNamespaceAttribute is the namespace argument of every SWR data source.
func swrNamespaceAttribute() schema.StringAttribute {
	return schema.StringAttribute{
		Required:            true,
		MarkdownDescription: "SWR organization (namespace).",
		Validators: []validator.String{nameValidator{maxLen: 64, rule: swrNamespaceRule,
			ruleText: "must follow SWR's organization-name rule: start with a lower-case letter, " +
				"then lower-case letters, digits and single '.', '-' or '_' (at most two '_' in a row) between them, and end with a letter or digit"}},
	}
}

// swrRepositoryAttribute is the repository argument of every SWR data source.
func swrRepositoryAttribute() schema.StringAttribute {
	return schema.StringAttribute{
		Required:            true,
		MarkdownDescription: "Repository (image) name; it may contain `/`, such as `apps/web`.",
		Validators: []validator.String{nameValidator{maxLen: 128, rule: swrRepositoryRule,
			ruleText: "must be lower-case letters and digits, with single '.', '-' or '_' between them, and '/' between parts"}},
	}
}

// swrTagObject is one tag, in tags and latest.
var swrTagObject = fieldtable.New("SWR tag",
	fieldtable.Int64("id", "Tag ID.", func(t *swr.Tag) int64 { return t.ID }),
	fieldtable.Int64("repo_id", "Repository ID.", func(t *swr.Tag) int64 { return t.RepoID }),
	fieldtable.String("tag", "Tag name.", func(t *swr.Tag) string { return t.Tag }),
	fieldtable.NullableString("image_id", "Image ID; null when SWR gives none.", fieldtable.Given(func(t *swr.Tag) string { return t.ImageID })),
	fieldtable.NullableString("digest", "Manifest digest, such as `sha256:…`; it changes when the tag moves. Null when SWR gives none.",
		fieldtable.Given(func(t *swr.Tag) string { return t.Digest })),
	fieldtable.NullableString("manifest", "Image manifest (JSON). Null unless `include_manifest` is true, or when SWR gives none.",
		fieldtable.Given(func(t *swr.Tag) string { return t.Manifest })),
	fieldtable.Int64("schema", "Docker manifest schema version, 1 or 2.", func(t *swr.Tag) int64 { return t.Schema }),
	fieldtable.String("path", "Pull address, `swr.<region>.myhuaweicloud.com/<namespace>/<repository>:<tag>`.", func(t *swr.Tag) string { return t.Path }),
	fieldtable.NullableString("internal_path", "Pull address inside a CCE cluster; null when SWR gives none.", fieldtable.Given(func(t *swr.Tag) string { return t.InternalPath })),
	fieldtable.NullableString("pinned_path", "Pull address pinned to the digest, `<path without :tag>@<digest>`: it never moves. Null without a digest.",
		fieldtable.Given(func(t *swr.Tag) string { return pinnedPath(t.Path, t.Tag, t.Digest) })),
	fieldtable.Int64("size", "Image size in bytes.", func(t *swr.Tag) int64 { return t.Size }),
	fieldtable.Bool("is_trusted", "Whether the image is trusted.", func(t *swr.Tag) bool { return t.IsTrusted }),
	fieldtable.Time("created", "Creation time, RFC 3339 in UTC.", func(t *swr.Tag) time.Time { return t.Created }),
	fieldtable.Time("updated", "Last update time, RFC 3339 in UTC.", func(t *swr.Tag) time.Time { return t.Updated }),
	fieldtable.NullableTime("deleted", "Deletion time, RFC 3339 in UTC; null unless deleted.", func(t *swr.Tag) time.Time { return t.Deleted }),
	fieldtable.NullableString("domain_id", "Account (domain) ID; null when SWR gives none.", fieldtable.Given(func(t *swr.Tag) string { return t.DomainID })),
	fieldtable.Bool("scanned", "Whether the image has been scanned.", func(t *swr.Tag) bool { return t.Scanned }),
	fieldtable.Int64("tag_type", "`0` for an image manifest, `1` for a manifest list.", func(t *swr.Tag) int64 { return t.TagType }),
	fieldtable.String("kind", kindDescription+" Read from the tag's name and the manifest SWR sends with every tag.",
		func(t *swr.Tag) string { return string(t.Kind) }),
	fieldtable.NullableString("media_type", "The manifest's media type, such as `application/vnd.oci.image.index.v1+json`; "+
		"for an OCI manifest without one, what its content implies. Null when SWR sent no readable manifest.",
		fieldtable.Given(func(t *swr.Tag) string { return t.MediaType })),
	fieldtable.NullableString("artifact_type", "The OCI 1.1 `artifactType`, else the config media type when it is not an image config "+
		"(such as `application/vnd.cncf.helm.config.v1+json`). Null for images and indexes.",
		fieldtable.Given(func(t *swr.Tag) string { return t.ArtifactType })),
	fieldtable.NullableList("platforms", "For an `index`: the images it holds, in index order, without buildx's attestation manifests "+
		"and `unknown/unknown` entries. Null for every other kind.", swrPlatformObject, swrPlatforms),
)

// kindDescription says what kind means, for every tag object.
const kindDescription = "What the tag holds: `image`, `index` (a multi-platform image), `signature`, `attestation`, `sbom`, " +
	"`helm_chart`, `artifact` (another OCI artifact) or `unknown` (no readable manifest)."

// platformEntry is one platform of an index, with the repository's pull
// address its pinned_path is built from.
type platformEntry struct {
	tagkind.Platform
	path, tag string
}

// swrPlatforms are a tag's platforms, each knowing the tag's address; nil
// for a tag that is not an index.
func swrPlatforms(t *swr.Tag) []platformEntry {
	if t.Platforms == nil {
		return nil
	}
	out := make([]platformEntry, len(t.Platforms))
	for i := range t.Platforms {
		out[i] = platformEntry{Platform: t.Platforms[i], path: t.Path, tag: t.Tag}
	}
	return out
}

// swrPlatformObject is one entry of platforms.
var swrPlatformObject = fieldtable.New("platform",
	fieldtable.String("os", "Operating system, such as `linux`.", func(p *platformEntry) string { return p.OS }),
	fieldtable.String("architecture", "CPU architecture, such as `amd64` or `arm64`.", func(p *platformEntry) string { return p.Architecture }),
	fieldtable.NullableString("variant", "CPU variant, such as `v7` for `linux/arm/v7`; null when the index gives none.",
		fieldtable.Given(func(p *platformEntry) string { return p.Variant })),
	fieldtable.NullableString("os_version", "Operating system version (Windows images); null when the index gives none.",
		fieldtable.Given(func(p *platformEntry) string { return p.OSVersion })),
	fieldtable.NullableString("digest", "Digest of this platform's image manifest.", fieldtable.Given(func(p *platformEntry) string { return p.Digest })),
	fieldtable.NullableString("media_type", "Media type of this platform's image manifest.", fieldtable.Given(func(p *platformEntry) string { return p.MediaType })),
	fieldtable.NullableString("pinned_path", "Pull address of this platform's image, `<repository path>@<digest>`.",
		fieldtable.Given(func(p *platformEntry) string { return pinnedPath(p.path, p.tag, p.Digest) })),
)

// swrTagNulls blanks manifest unless include_manifest is true.
func swrTagNulls(s *swrTagsState) fieldtable.Set {
	if s.includeManifest.ValueBool() {
		return 0
	}
	return swrTagManifest
}

var swrTagManifest = swrTagObject.Named("manifest")

// swrTagsTable is the data source's top level.
var swrTagsTable = fieldtable.New("registry_swr_tags",
	fieldtable.String("id", "`<namespace>/<repository>`, followed by the filters when given; derived from the arguments only.", swrTagsID),
	fieldtable.Argument("namespace", swrNamespaceAttribute(), func(s *swrTagsState) *types.String { return &s.namespace }),
	fieldtable.Argument("repository", swrRepositoryAttribute(), func(s *swrTagsState) *types.String { return &s.repository }),
	fieldtable.Argument("tag", schema.StringAttribute{
		Optional:            true,
		MarkdownDescription: "Server-side filter: only tags whose name contains this string.",
		Validators:          []validator.String{stringvalidator.LengthBetween(1, 128)},
	}, func(s *swrTagsState) *types.String { return &s.tag }),
	fieldtable.Argument("tag_regex", schema.StringAttribute{
		Optional:            true,
		MarkdownDescription: "RE2 regular expression the tag name must match, applied after the listing.",
		Validators:          []validator.String{re2Validator{}},
	}, func(s *swrTagsState) *types.String { return &s.tagRegex }),
	fieldtable.Argument("include_manifest", schema.BoolAttribute{
		Optional:            true,
		MarkdownDescription: "Whether to keep each tag's `manifest` in state. Default `false`: manifests are large.",
	}, func(s *swrTagsState) *types.Bool { return &s.includeManifest }),
	fieldtable.Int64("total_count", "Number of tags SWR reports for the repository (after `tag`, before `tag_regex`).",
		func(s *swrTagsState) int64 { return s.total }),
	fieldtable.StreamedList("tags", "The tags, ordered by `updated` newest first; tags updated in the same second by name in descending natural order (`v14.0.0` before `v13.0.0`, `v1.10` before `v1.9`).", swrTagObject,
		func(s *swrTagsState, yield func(*swr.Tag) bool) { s.tags.each(yield) }).NullsFrom(swrTagNulls),
	// After tags: a streamed listing knows its latest once written.
	fieldtable.Single("latest", latestDescription, swrTagObject,
		func(s *swrTagsState) *swr.Tag { return s.tags.latest() }).NullsFrom(swrTagNulls),
	fieldtable.Timeouts(readTimeoutsBlock, func(s *swrTagsState) *timeouts.Value { return &s.timeouts }),
)

func (d *swrTagsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_swr_tags"
}

func (d *swrTagsDataSource) Schema(ctx context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = swrTagsTable.Schema(ctx, "Every tag of a Huawei Cloud SWR repository, newest first, with `latest` the newest one. "+
		"Pin `latest.pinned_path` (repository@digest) in module inputs so that `terraform plan` shows when the tag moves.")
}

var swrHints = hints{
	apierror.KindAuth: "Huawei Cloud refused the credentials: check access_key / " + envHWAccessKey + " and secret_key / " + envHWSecretKey +
		" (for temporary credentials also security_token / " + envHWSecurityToken + "), or auth_token / " + envHWAuthToken + ".",
	apierror.KindPermission: "The credentials are valid but may not list SWR tags: grant the IAM user SWR read access in this region.",
	apierror.KindNotFound:   "Check namespace and repository, and that region / " + envHWRegion + " (or project_id / " + envHWProjectID + ") is where they live.",
	apierror.KindBadRequest: "SWR rejected a parameter: check namespace, repository and tag.",
	apierror.KindTransport:  "Check swr endpoint / " + envHWSWREndpoint + " (or region / " + envHWRegion + "), the network, and request_timeout / REGISTRY_REQUEST_TIMEOUT.",
	apierror.KindDecode:     "SWR's answer could not be read; check that endpoint / " + envHWSWREndpoint + " points at the SWR API.",
	apierror.KindConfig: "Check region / " + envHWRegion + ", or set project_id / " + envHWProjectID +
		": without a project ID the provider looks up the one IAM project named after the region.",
}

func (d *swrTagsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	fieldtable.FrameworkRead(ctx, d, req, resp)
}

func (d *swrTagsDataSource) ReadState(ctx context.Context, config tftypes.Value) ([]byte, diag.Diagnostics) {
	var s swrTagsState
	ctx, client, cancel, diags := openRead(ctx, config, swrTagsTable, &s, d.providerData().swr)
	defer cancel()
	if diags.HasError() {
		return nil, diags
	}
	in := swr.ListTagsInput{
		Namespace:       s.namespace.ValueString(),
		Repository:      s.repository.ValueString(),
		Tag:             s.tag.ValueString(),
		IncludeManifest: s.includeManifest.ValueBool(),
	}
	var re *regexp.Regexp
	if !s.tagRegex.IsNull() {
		re = regexp.MustCompile(s.tagRegex.ValueString()) // validated at plan time
	}
	pages, err := client.OpenTags(ctx, in)
	if err != nil {
		diags.Append(readError(ctx, err, swrHints))
		return nil, diags
	}
	defer pages.Close()
	first, err := pages.Next(ctx)
	if err != nil && !errors.Is(err, io.EOF) {
		diags.Append(readError(ctx, err, swrHints))
		return nil, diags
	}
	if pages.Total() < 0 {
		// Without Content-Range the total, which the state has before the
		// tags, is the count read to the end: hold the listing, in a slice
		// of its own (a page may be shared: see pager.Page.Items).
		all := slices.Clone(first)
		for err == nil {
			var page []swr.Tag
			if page, err = pages.Next(ctx); err == nil {
				all = append(all, page...)
			}
		}
		if !errors.Is(err, io.EOF) {
			diags.Append(readError(ctx, err, swrHints))
			return nil, diags
		}
		return encodeHeld(ctx, &s, len(all), all, diags)
	}
	s.total = int64(pages.Total())
	stream := &swrTagStream{ctx: ctx, pages: pages, first: first, re: re}
	s.tags = swrTagList{stream: stream}
	state, diags := encodeState(ctx, swrTagsTable, &s, swrTagsStreamSize(ctx, &s, first, re), diags)
	switch {
	case errors.Is(stream.err, errNotNewestFirst):
		tflog.Warn(ctx, "SWR's tag listing was not ordered by update time, newest first; reading it again to sort it whole")
		pages.Close()
		list, err := client.ListTags(ctx, in)
		if err != nil {
			diags.Append(readError(ctx, err, swrHints))
			return nil, diags
		}
		return encodeHeld(ctx, &s, list.Total, list.Tags, diags)
	case errors.Is(stream.err, errLatestBeforeTags):
		diags.AddError("Cannot encode state", "This is a bug in the provider; please report it: "+stream.err.Error())
		return nil, diags
	case stream.err != nil:
		diags.Append(readError(ctx, stream.err, swrHints))
		return nil, diags
	}
	return state, diags
}

// encodeHeld writes the state of a listing held whole, filtering and
// sorting it first: when the service gives no total, or did not list
// newest first.
func encodeHeld(ctx context.Context, s *swrTagsState, total int, tags []swr.Tag, diags diag.Diagnostics) ([]byte, diag.Diagnostics) {
	s.total = int64(total)
	tags = matching(tags, s.tagRegex, func(t *swr.Tag) string { return t.Tag })
	sortTags(tags, func(t *swr.Tag) string { return t.Tag }, func(t *swr.Tag) time.Time { return t.Updated })
	s.tags = swrTagList{held: tags}
	return encodeState(ctx, swrTagsTable, s, swrTagsStateSize(s.includeManifest.ValueBool(), tags), diags)
}

// swrTagsStateSize is a size the state will not exceed in the usual case:
// a tag writes about 720 bytes (its 26 keys included) and an index's
// platforms about 400 more each, and manifests when kept. Too small costs a
// copy of the whole state (and its first-touch page faults), which at
// 50,000 tags was most of the read's CPU; capacity never written costs no
// memory.
func swrTagsStateSize(withManifest bool, tags []swr.Tag) int {
	n := 1024 + len(tags)*900
	for i := range tags {
		n += len(tags[i].Platforms) * 450
		if withManifest {
			n += len(tags[i].Manifest) + len(tags[i].Manifest)/8 // escapes are not needed in msgpack; slack
		}
	}
	return n
}

// swrTagsStreamSize is the size of a streamed listing's state, from its
// first page written for the measure: what a tag of that page kept by
// tag_regex writes, for as many tags as the total and that page's share
// kept promise, with 5 % to spare. Too small costs copies of the state as
// it grows; too large costs nothing written, but the garbage collector
// counts the whole buffer as live and lets that much more garbage pile up
// (resident memory) before it runs.
func swrTagsStreamSize(ctx context.Context, s *swrTagsState, first []swr.Tag, re *regexp.Regexp) int {
	if len(first) == 0 {
		return 4096
	}
	nulls := swrTagNulls(s)
	written, kept := 0, 0
	for i := range first {
		if re == nil || re.MatchString(first[i].Tag) {
			b, err := swrTagObject.State(ctx, &first[i], nulls, 2048)
			if err != nil { // the read's own writing reports it
				return 4096
			}
			written += len(b)
			kept++
		}
	}
	perTag := float64(written) / float64(len(first)) // per tag listed, the share kept included
	return 4096 + 2*written/max(kept, 1) + int(perTag*float64(s.total)*1.05)
}

// swrTagsID is "<namespace>/<repository>" and the filters given.
func swrTagsID(s *swrTagsState) string {
	return listingID(s.namespace.ValueString()+"/"+s.repository.ValueString(),
		ifSet("tag", s.tag), ifSet("tag_regex", s.tagRegex), ifTrue("include_manifest", s.includeManifest))
}

// pinnedPath replaces the ":tag" of a pull address with "@digest".
func pinnedPath(path, tag, digest string) string {
	if digest == "" || path == "" {
		return ""
	}
	repo := strings.TrimSuffix(path, ":"+tag)
	if repo == path {
		if i := strings.LastIndexByte(path, ':'); i > strings.LastIndexByte(path, '/') {
			repo = path[:i]
		}
	}
	return repo + "@" + digest
}
