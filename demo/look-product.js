// The demo's other product pages (chinos, jacket): a pretend cart that takes one item or a
// whole look from the try-on dialog. Plain ES module, no build step, CSP-friendly.

const form = document.getElementById('add-to-cart');
const cartCount = document.getElementById('cart-count');
const cartStatus = document.getElementById('cart-status');
let cart = 0;

function added(items) {
  cart += items.length;
  cartCount.textContent = String(cart);
  const names = items.map((item) => item.title ?? item.variantId).join(', ');
  cartStatus.textContent = `Added ${names} to your cart`;
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  added([{ title: form.dataset.title, variantId: form.dataset.variantId }]);
});

// One item from the dialog, or a whole look (`detail.items`).
document.addEventListener('fitting-room:add-to-cart', (event) => {
  added(event.detail.items ?? [{ title: form.dataset.title, variantId: event.detail.variantId ?? form.dataset.variantId }]);
});
