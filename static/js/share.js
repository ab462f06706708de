// The copy-link button of an article's share links: copies the article's
// address instead of following it, when the browser allows it. Without this
// script (or without clipboard access) the button stays a plain link.
document.addEventListener("click", function (event) {
  var link = event.target.closest ? event.target.closest("a.share__copy") : null;
  if (!link || !navigator.clipboard || !window.isSecureContext) {
    return;
  }
  event.preventDefault();
  var status = link.parentNode.querySelector(".share__status");
  navigator.clipboard.writeText(link.href).then(
    function () {
      if (status) {
        status.textContent = link.getAttribute("data-copied");
      }
    },
    function () {
      window.location.href = link.href;
    }
  );
});
