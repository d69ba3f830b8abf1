package ucloud

import (
	"crypto/sha1" //nolint:gosec // UCloud's signature is defined as SHA-1; it is not our choice.
	"encoding/hex"
	"net/url"
	"sort"
	"strings"
)

// UCloud's request signature (docs.ucloud.cn/api/summary/signature), written
// here so the provider binary does not carry the SDK; signer_test.go proves
// it against the published vectors. The fake UHub verifies requests with it.
const (
	paramSignature     = "Signature"
	paramPublicKey     = "PublicKey"
	paramSecurityToken = "SecurityToken"
)

// Signature is the signature of params: every parameter but Signature,
// sorted by name in byte order, each as name+value with no separator and no
// escaping, then the private key; the lower-case hex SHA-1 of that string.
// A name given more than once counts with its first value, as the SDK and
// the service read it.
func Signature(params url.Values, privateKey string) string {
	names := make([]string, 0, len(params))
	for k := range params {
		if k != paramSignature {
			names = append(names, k)
		}
	}
	sort.Strings(names) // byte order: upper case first, so "CPU" sorts before "ChargeType"
	var b strings.Builder
	for _, k := range names {
		b.WriteString(k)
		b.WriteString(params.Get(k))
	}
	b.WriteString(privateKey)
	sum := sha1.Sum([]byte(b.String())) //nolint:gosec // see import
	return hex.EncodeToString(sum[:])
}

// Sign sets PublicKey (and SecurityToken for temporary credentials) in
// params, then the Signature over all of them.
func Sign(params url.Values, publicKey, privateKey, securityToken string) {
	params.Set(paramPublicKey, publicKey)
	if securityToken != "" {
		params.Set(paramSecurityToken, securityToken)
	}
	params.Set(paramSignature, Signature(params, privateKey))
}
