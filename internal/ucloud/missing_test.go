package ucloud

import (
	"testing"

	"github.com/registry-tools/terraform-provider-registry/internal/apierror"
	"github.com/registry-tools/terraform-provider-registry/internal/transport"
)

// TestRetCodeMissing is the tolerant rule for "does not exist": a message
// that says so, on a RetCode that is not about credentials, permission,
// the project, throttling or the service.
func TestRetCodeMissing(t *testing.T) {
	cases := []struct {
		code    int
		msg     string
		missing bool
	}{
		{230, "Params [RepoName] not available: repository shop does not exist", true},
		{230, "Params [ImageName] not available", true},
		{20404, "Repo not found", true},
		{20405, "Image Not Exist", true},
		{230, "Missing params [RepoName]", false},
		{RetCodeNoSuchProject, "Project not exist", false},
		{RetCodePermissionDenied, "repository not found for this user", false},
		{RetCodeBadSignature, "not found", false},
		{RetCodeNoSuchUser, "user not exist", false},
		{RetCodeThrottled, "not available now", false},
		{5000, "backend not available", false},
	}
	for _, c := range cases {
		err := retCodeError(&transport.Response{StatusCode: 200, Attempts: 1}, callGetImageTag, c.code, c.msg)
		if got := apierror.IsMissing(err); got != c.missing {
			t.Errorf("RetCode %d %q: missing %v, want %v", c.code, c.msg, got, c.missing)
		}
	}
}
