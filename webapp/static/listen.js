/* "Nghe" (listen): read a question and its choices aloud. A unit's recording where one exists,
   else the phone's own voice for the page's language; without either the button stays hidden,
   and without JavaScript the page is unchanged. The kiosk reads each page by itself. */
(function () {
  var d = document, lang = d.documentElement.lang, synth = window.speechSynthesis;
  var player = null, queue = [];
  function voice() {
    if (!synth || !window.SpeechSynthesisUtterance) return null;
    var all = synth.getVoices();
    for (var i = 0; i < all.length; i++) {
      if (all[i].lang.toLowerCase().split(/[-_]/)[0] === lang) return all[i];
    }
    return null;
  }
  function clean(el) { return el ? el.textContent.replace(/\*/g, '').trim() : ''; }
  function words(b) {
    var prev = b.previousElementSibling, box = b.closest('fieldset,div.q'), parts = [];
    if (prev && prev.tagName === 'H2') {
      parts.push(clean(prev));
      var hint = b.nextElementSibling;
      if (hint && hint.classList.contains('hint')) parts.push(clean(hint));
    } else if (box) {
      parts.push(clean(box.querySelector('legend,label')));
      box.querySelectorAll('.opts label>span').forEach(function (s) { parts.push(clean(s)); });
    }
    return parts.join('. ');
  }
  function stop() {
    if (player) { player.pause(); player = null; }
    if (synth) synth.cancel();
  }
  function say(b, done) {
    var urls = (b.getAttribute('data-audio') || '').split(' ').filter(Boolean);
    stop();
    if (urls.length) {
      var audio = new Audio(), i = 0;
      player = audio;
      var next = function () {
        if (player !== audio) return;
        if (i >= urls.length) { player = null; if (done) done(); return; }
        audio.src = urls[i++];
        audio.play().catch(function () { player = null; });
      };
      audio.onended = next;
      next();
    } else if (voice()) {
      var u = new SpeechSynthesisUtterance(words(b));
      u.voice = voice(); u.lang = u.voice.lang;
      if (done) u.onend = done;
      synth.speak(u);
    }
  }
  function readAll() {
    queue = [].slice.call(d.querySelectorAll('button.say:not([hidden])'));
    var step = function () { var b = queue.shift(); if (b) say(b, step); };
    step();
  }
  function show() {
    var spoken = !!voice(), any = false;
    d.querySelectorAll('button.say').forEach(function (b) {
      if (spoken || b.hasAttribute('data-audio')) { b.hidden = false; any = true; }
    });
    var all = d.querySelector('button.say-all');
    if (all && any) all.hidden = false;
    return any;
  }
  d.addEventListener('click', function (e) {
    var b = e.target.closest('button.say,button.say-all');
    if (!b) return;
    e.preventDefault();
    if (b.classList.contains('say-all')) readAll(); else say(b);
  });
  show();
  if (synth && synth.addEventListener) synth.addEventListener('voiceschanged', show);
  if (d.querySelector('button.say-all') && show()) setTimeout(readAll, 600);
}());
