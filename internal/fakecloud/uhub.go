package fakecloud

import "net/http"

// UHub fakes UCloud UHub's GetRepoImage action.
type UHub struct{}

func newUHub() *UHub { return &UHub{} }

func (u *UHub) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	http.Error(w, "UHub fake not written yet", http.StatusNotImplemented)
}
