package fakecloud

import "net/http"

// PPIO fakes PPIO's GET /gpus/v2/images.
type PPIO struct{}

func newPPIO() *PPIO { return &PPIO{} }

func (p *PPIO) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	http.Error(w, "PPIO fake not written yet", http.StatusNotImplemented)
}
