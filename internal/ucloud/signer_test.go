package ucloud

import (
	"net/url"
	"testing"
)

// The published vectors of docs.ucloud.cn/api/summary/signature (the second
// is also asserted in ucloud-sdk-python3's tests), copied from API-NOTES.
const (
	vectorPublicKey  = "ucloudsomeone@example.com1296235120854146120"
	vectorPrivateKey = "46f09bb9fab4f12dfc160dae12273d5332b5debe"
)

func createUHostParams() url.Values {
	return url.Values{
		"Action":     {"CreateUHostInstance"},
		"CPU":        {"2"},
		"ChargeType": {"Month"},
		"DiskSpace":  {"10"},
		"ImageId":    {"f43736e1-65a5-4bea-ad2e-8a46e18883c2"},
		"LoginMode":  {"Password"},
		"Memory":     {"2048"},
		"Name":       {"Host01"},
		"Password":   {"VUNsb3VkLmNu"},
		"Quantity":   {"1"},
		"Region":     {"cn-bj2"},
		"Zone":       {"cn-bj2-04"},
	}
}

func TestSignatureMatchesPublishedVectors(t *testing.T) {
	withToken := createUHostParams()
	withToken.Set("SecurityToken", "some_stoken")
	cases := []struct {
		name   string
		params url.Values
		want   string
	}{
		{"DescribeUHostInstance", url.Values{"Action": {"DescribeUHostInstance"}, "Region": {"cn-bj2"}, "Limit": {"10"}}, "cba5cf5ec4d4233d206b1b54951e3787350a642f"},
		{"CreateUHostInstance", createUHostParams(), "4f9ef5df2abab2c6fccd1e9515cb7e2df8c6bb65"},
		{"CreateUHostInstance with SecurityToken", withToken, "170c480ad176a247b324eb92a2cfe536aacfbd04"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := tc.params
			p.Set("PublicKey", vectorPublicKey)
			if got := Signature(p, vectorPrivateKey); got != tc.want {
				t.Fatalf("signature %s, want %s", got, tc.want)
			}
			// A Signature already present is not signed over.
			p.Set("Signature", "stale")
			if got := Signature(p, vectorPrivateKey); got != tc.want {
				t.Fatalf("with a Signature parameter present: %s, want %s", got, tc.want)
			}
		})
	}
}

func TestSignSetsPublicKeyTokenAndSignature(t *testing.T) {
	p := createUHostParams()
	Sign(p, vectorPublicKey, vectorPrivateKey, "some_stoken")
	if p.Get("PublicKey") != vectorPublicKey || p.Get("SecurityToken") != "some_stoken" {
		t.Fatalf("PublicKey %q, SecurityToken %q", p.Get("PublicKey"), p.Get("SecurityToken"))
	}
	if got, want := p.Get("Signature"), "170c480ad176a247b324eb92a2cfe536aacfbd04"; got != want {
		t.Fatalf("signature %s, want %s", got, want)
	}

	p = url.Values{"Action": {"DescribeUHostInstance"}, "Region": {"cn-bj2"}, "Limit": {"10"}}
	Sign(p, vectorPublicKey, vectorPrivateKey, "")
	if _, ok := p["SecurityToken"]; ok {
		t.Fatal("SecurityToken sent without temporary credentials")
	}
	if got, want := p.Get("Signature"), "cba5cf5ec4d4233d206b1b54951e3787350a642f"; got != want {
		t.Fatalf("signature %s, want %s", got, want)
	}
}
