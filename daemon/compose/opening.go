package compose

import (
	"context"

	"github.com/leadup/leadup/daemon/render"
)

// opening gives the brief what its opening needs beyond the carry-over:
// how many briefs with the boss went out before this one, by which the
// renderer rotates the coaching prompt (render.BriefData.Opening). The
// count comes from the outbox, so the rotation keeps no state of its own.
func (c *Composer) opening(ctx context.Context, boss string, d *render.BriefData) error {
	n, err := c.store.BriefsSent(ctx, boss)
	if err != nil {
		return err
	}
	d.BriefsSent = n
	return nil
}
