// The demo store's own script: gallery, colour variants, a pretend cart, and the glue a
// merchant writes around <fitting-room>. Plain ES module, no build step, CSP-friendly.

const PRODUCT_TITLE = 'Everyday Organic Tee';
const COLOURS = { navy: 'Navy', terracotta: 'Terracotta' };
const variantId = (colour) => `everyday-tee-${colour}`;

const tryOn = document.querySelector('fitting-room');
const galleryImage = document.getElementById('gallery-image');
const thumbs = [...document.querySelectorAll('.thumb')];
const colourName = document.getElementById('colour-name');
const form = document.getElementById('add-to-cart');
const cartCount = document.getElementById('cart-count');
const cartStatus = document.getElementById('cart-status');

const state = { colour: 'navy', view: 'front', cart: 0 };

// ---- gallery and variants ---------------------------------------------------------------

const imageUrl = (colour, view) => `/images/tee-${colour}${view === 'detail' ? '-detail' : ''}.webp`;

function renderGallery() {
  const { colour, view } = state;
  galleryImage.src = imageUrl(colour, view);
  galleryImage.alt = `${PRODUCT_TITLE} in ${COLOURS[colour]}, ${view === 'detail' ? 'collar detail' : 'front view'}`;
  for (const thumb of thumbs) {
    thumb.querySelector('img').src = imageUrl(colour, thumb.dataset.view);
    thumb.setAttribute('aria-pressed', String(thumb.dataset.view === view));
  }
}

for (const thumb of thumbs) {
  thumb.addEventListener('click', () => {
    state.view = thumb.dataset.view;
    renderGallery();
  });
}

form.addEventListener('change', (event) => {
  if (event.target.name !== 'colour') return;
  state.colour = event.target.value;
  colourName.textContent = COLOURS[state.colour];
  renderGallery();
  // The widget follows the selected variant. Attributes rather than properties, so this
  // also works before the widget's script has defined the element.
  tryOn.setAttribute('garment', `/images/tee-${state.colour}.png`);
  tryOn.setAttribute('variant-id', variantId(state.colour));
});

// ---- the cart ----------------------------------------------------------------------------

let clearStatus;

function addToCart(variant) {
  const colour = Object.keys(COLOURS).find((key) => variantId(key) === variant);
  state.cart += 1;
  cartCount.textContent = String(state.cart);
  cartCount.classList.remove('is-bumped');
  void cartCount.offsetWidth; // restart the animation
  cartCount.classList.add('is-bumped');
  cartStatus.textContent = `Added ${PRODUCT_TITLE} (${colour ? COLOURS[colour] : variant}) to your cart`;
  // The toast goes after a while; the cart count keeps the news.
  clearTimeout(clearStatus);
  clearStatus = setTimeout(() => (cartStatus.textContent = ''), 8000);
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  addToCart(variantId(state.colour));
});

// "Add to cart" inside the try-on dialog. The dialog closes itself afterwards and returns
// focus to the button; call event.preventDefault() to keep it open instead.
document.addEventListener('fitting-room:add-to-cart', (event) => {
  addToCart(event.detail.variantId ?? variantId(state.colour));
});

// ---- demo switches ---------------------------------------------------------------------------

// ?fail=1 and ?fail=unavailable make the sandbox provider fail, to show the error path.
const fail = new URLSearchParams(location.search).get('fail');
if (fail) {
  const unavailable = fail === 'unavailable';
  tryOn.setAttribute('product-id', unavailable ? 'sandbox-fail-unavailable-everyday-tee' : 'sandbox-fail-everyday-tee');
  const note = document.getElementById('demo-note');
  note.textContent = unavailable ? 'Demo: try-ons on this page fail as if the provider were unavailable.' : 'Demo: try-ons on this page fail part-way, to show how errors look.';
  note.hidden = false;
}
