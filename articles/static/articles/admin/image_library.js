// Image library: the "Copy" button next to an image's address copies it, ready
// to paste into the article editor's Image button.
"use strict";
document.addEventListener("click", (event) => {
  const button = event.target.closest("button.image-copy");
  if (!button) {
    return;
  }
  const input = button.parentElement.querySelector("input.image-address");
  const address = new URL(input.value, window.location.href).href;
  const done = () => {
    const label = button.textContent;
    button.textContent = button.dataset.copied;
    window.setTimeout(() => { button.textContent = label; }, 1500);
  };
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(address).then(done);
  } else {
    input.value = address;
    input.select();
    document.execCommand("copy");
    done();
  }
});
