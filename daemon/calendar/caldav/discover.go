package caldav

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"path"
	"slices"
	"strings"

	"github.com/emersion/go-webdav/caldav"
)

// discover finds the collections to use, in order of precedence.
func (s *Source) discover(ctx context.Context, hc *client) ([]calState, error) {
	start := s.url.Path
	// Is the URL a calendar collection itself? One Depth 0 PROPFIND says.
	var self *davResponse
	err := s.multistatus(ctx, hc, "PROPFIND", start, "0", probePropfind, func(r *davResponse) error {
		if self == nil {
			self = r
		}
		return nil
	})
	switch {
	case isStatus(err, http.StatusNotFound):
		return nil, fmt.Errorf("discover calendars: %s was not found on the server (HTTP 404)", start)
	case err != nil:
		return nil, fmt.Errorf("discover calendars: %w", err)
	case self == nil || self.code()/100 != 2:
		return nil, fmt.Errorf("discover calendars: the server did not describe %s", start)
	}
	if p := self.prop(); p.isCalendar() {
		if !holdsEvents(p.comps()) {
			return nil, fmt.Errorf("discover calendars: %s is a calendar without events (VEVENT)", start)
		}
		return []calState{{Path: start, Name: p.DisplayName}}, nil
	}

	wc, err := caldav.NewClient(hc, s.url.String())
	if err != nil {
		return nil, fmt.Errorf("discover calendars: %w", err)
	}
	var cals []caldav.Calendar
	home := ""
	if p := self.prop(); p.HomeSet != nil {
		home = hrefPath(p.HomeSet.Href) // the URL is the user's principal
	} else {
		// A calendar home lists calendars among its children (RFC 4791
		// section 6.2.1).
		cals, err = wc.FindCalendars(ctx, start)
		if err != nil && final(err) {
			return nil, fmt.Errorf("discover calendars in %s: %w", start, err)
		}
	}
	if !slices.ContainsFunc(cals, func(c caldav.Calendar) bool { return holdsEvents(c.SupportedComponentSet) }) {
		// Anything else on the server knows the user's principal (RFC
		// 5397), and the principal its calendar home. The probe asked
		// already; go-webdav asks again, of the URL, for a server that
		// answers only a PROPFIND of that property alone.
		if home == "" {
			principal := ""
			if p := self.prop(); p.Principal != nil {
				principal = hrefPath(p.Principal.Href)
			}
			if principal == "" {
				if principal, err = wc.FindCurrentUserPrincipal(ctx); err != nil {
					return nil, fmt.Errorf("discover calendars: find the current user's principal: %w", err)
				}
			}
			if home, err = wc.FindCalendarHomeSet(ctx, principal); err != nil {
				return nil, fmt.Errorf("discover calendars: find the calendar home of %s: %w", principal, err)
			}
		}
		if cals, err = wc.FindCalendars(ctx, home); err != nil {
			return nil, fmt.Errorf("discover calendars in %s: %w", home, err)
		}
	}
	return s.choose(cals)
}

// final reports whether a failed request is not worth trying another way:
// the credentials were refused, the server kept failing, or the sync was
// cancelled.
func final(err error) bool {
	var gaveUp *gaveUpError
	return errors.Is(err, ErrRefused) || errors.As(err, &gaveUp) ||
		errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}

// holdsEvents reports whether a collection with this
// supported-calendar-component-set takes VEVENTs. Without the property a
// collection takes any component (RFC 4791 section 5.2.3).
func holdsEvents(comps []string) bool {
	return len(comps) == 0 || slices.ContainsFunc(comps, func(c string) bool { return strings.EqualFold(c, "VEVENT") })
}

// choose picks the collections Options.Calendars names, in its order, or
// every one that holds events.
func (s *Source) choose(cals []caldav.Calendar) ([]calState, error) {
	var events []caldav.Calendar
	for _, c := range cals {
		if holdsEvents(c.SupportedComponentSet) {
			events = append(events, c)
		}
	}
	var out []calState
	if len(s.opts.Calendars) == 0 {
		if len(events) == 0 {
			return nil, errors.New("discover calendars: the server has no calendar with events")
		}
		for _, c := range events {
			out = append(out, calState{Path: c.Path, Name: c.Name})
		}
		return out, nil
	}
	for _, want := range s.opts.Calendars {
		i := slices.IndexFunc(cals, func(c caldav.Calendar) bool {
			return strings.EqualFold(strings.TrimSpace(c.Name), want) || path.Base(strings.TrimSuffix(c.Path, "/")) == want
		})
		if i < 0 {
			return nil, fmt.Errorf("discover calendars: calendar %q not found; the server has %s", want, names(events))
		}
		c := cals[i]
		if !holdsEvents(c.SupportedComponentSet) {
			return nil, fmt.Errorf("discover calendars: calendar %q holds no events (VEVENT)", want)
		}
		if !slices.ContainsFunc(out, func(o calState) bool { return samePath(o.Path, c.Path) }) {
			out = append(out, calState{Path: c.Path, Name: c.Name})
		}
	}
	return out, nil
}

// names lists calendars for an error message.
func names(cals []caldav.Calendar) string {
	if len(cals) == 0 {
		return "none with events"
	}
	var l []string
	for i, c := range cals {
		if i == 10 {
			l = append(l, fmt.Sprintf("and %d more", len(cals)-i))
			break
		}
		l = append(l, fmt.Sprintf("%q (%s)", c.Name, path.Base(strings.TrimSuffix(c.Path, "/"))))
	}
	return strings.Join(l, ", ")
}

// commonHome returns the parent of the collections when there are several
// and they share it, so that one Depth 1 PROPFIND polls them all; "" when
// each is better polled on its own.
func commonHome(cals []calState) string {
	if len(cals) < 2 {
		return ""
	}
	parent := func(p string) string {
		d := path.Dir(strings.TrimSuffix(p, "/"))
		if d == "/" {
			return d
		}
		return d + "/"
	}
	home := parent(cals[0].Path)
	for _, c := range cals[1:] {
		if parent(c.Path) != home {
			return ""
		}
	}
	return home
}
