import { css, html, nothing } from 'lit';
import type { FlowState } from '../flow-state.js';
import type { View, ViewHost } from '../views.js';

/**
 * The photo's review (a lazy chunk, loaded when on-device checks flag the photo): the photo and
 * what the checks found; "Choose another" always, "Use this photo anyway" unless a check blocks.
 */
export class ReviewView implements View {
  constructor(private readonly host: ViewHost) {}

  render(state: FlowState) {
    if (state.step !== 'review') return nothing;
    const { t, flow } = this.host;
    const { checks } = state;
    const blocked = checks.some((check) => check.blocking);
    const photo = flow.$photo.get();
    return html`
      <div class="review">
        ${photo ? html`<img src=${photo.url} alt=${t.before} />` : nothing}
        <div>
          <h3>${blocked ? t.reviewBlocked : t.reviewHeading}</h3>
          <ul class="checks">
            ${checks.map((check) => html`<li class=${check.blocking ? 'blocking' : ''} data-check=${check.code}>${t[`check_${check.code}`]}</li>`)}
          </ul>
        </div>
      </div>
      <div class="actions">
        <button class="primary" part="primary-button" data-autofocus @click=${() => flow.again()}>${t.chooseAnother}</button>
        ${blocked ? nothing : html`<button part="secondary-button" @click=${() => flow.proceed()}>${t.useAnyway}</button>`}
      </div>
    `;
  }
}

/** The class the dialog constructs when it loads this chunk (LAZY_VIEWS). */
export { ReviewView as View };

export const styles = css`
  .review {
    display: grid;
    grid-template-columns: minmax(96px, 36%) 1fr;
    gap: 16px;
    align-items: start;
  }
  .review img {
    inline-size: 100%;
    border-radius: 12px;
  }
  .checks {
    display: grid;
    gap: 8px;
    margin: 8px 0 0;
    padding-inline-start: 20px;
  }
  .checks .blocking {
    color: var(--danger);
    font-weight: 600;
  }
`;
