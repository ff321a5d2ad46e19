package googletest

import (
	"encoding/json"
	"net/http"
)

// errorBody is Google's JSON error envelope. Field order matches Google's,
// so bodies can be compared byte for byte with captured ones.
type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Errors  []errorItem `json:"errors"`
	Code    int         `json:"code"`
	Message string      `json:"message"`
	// Status is the google.rpc code name; Calendar sends it with 401s.
	Status string `json:"status,omitempty"`
}

type errorItem struct {
	Domain       string `json:"domain"`
	Reason       string `json:"reason"`
	Message      string `json:"message"`
	LocationType string `json:"locationType,omitempty"`
	Location     string `json:"location,omitempty"`
}

func googleError(status int, domain, reason, message string) response {
	return errorResponse(status, errorBody{Error: errorDetail{
		Errors:  []errorItem{{Domain: domain, Reason: reason, Message: message}},
		Code:    status,
		Message: message,
	}})
}

func errorResponse(status int, body errorBody) response {
	b, err := json.Marshal(body)
	if err != nil {
		// Only strings and ints: cannot happen.
		panic("googletest: encode error body: " + err.Error())
	}
	return response{status: status, header: http.Header{}, body: b}
}

// invalid is Google's 400 for a bad parameter value.
func invalid(param, message string) *response {
	r := errorResponse(http.StatusBadRequest, errorBody{Error: errorDetail{
		Errors: []errorItem{{
			Domain: "global", Reason: "invalid", Message: message,
			LocationType: "parameter", Location: param,
		}},
		Code:    http.StatusBadRequest,
		Message: message,
	}})
	return &r
}

// badRequest is the bare 400 Google sends for values it cannot parse at
// all, such as a timeMin without a time zone offset.
func badRequest() *response {
	r := googleError(http.StatusBadRequest, "global", "badRequest", "Bad Request")
	return &r
}

// unauthorized is Google's 401, with the WWW-Authenticate challenge of
// RFC 6750 section 3.
func unauthorized(reason, itemMessage, message string) response {
	r := errorResponse(http.StatusUnauthorized, errorBody{Error: errorDetail{
		Errors: []errorItem{{
			Domain: "global", Reason: reason, Message: itemMessage,
			LocationType: "header", Location: "Authorization",
		}},
		Code:    http.StatusUnauthorized,
		Message: message,
		Status:  "UNAUTHENTICATED",
	}})
	challenge := `Bearer realm="https://accounts.google.com/"`
	if reason == "authError" {
		challenge += `, error="invalid_token"`
	}
	r.header.Set("WWW-Authenticate", challenge)
	return r
}

// domainFor is the error domain Google pairs with a reason.
func domainFor(reason string) string {
	switch reason {
	case "rateLimitExceeded", "userRateLimitExceeded", "quotaExceeded", "dailyLimitExceeded":
		return "usageLimits"
	}
	return "global"
}

// messageFor is the message Google sends with a reason.
func messageFor(status int, reason string) string {
	switch reason {
	case "rateLimitExceeded":
		return "Rate Limit Exceeded"
	case "userRateLimitExceeded":
		return "User Rate Limit Exceeded"
	case "quotaExceeded":
		return "Calendar usage limits exceeded."
	case "dailyLimitExceeded":
		return "Daily Limit Exceeded"
	case "backendError":
		return "Backend Error"
	case "badRequest":
		return "Bad Request"
	case "forbidden":
		return "Forbidden"
	case "notFound":
		return "Not Found"
	case "fullSyncRequired":
		return "Sync token is no longer valid, a full sync is required."
	}
	if t := http.StatusText(status); t != "" {
		return t
	}
	return "Error"
}
