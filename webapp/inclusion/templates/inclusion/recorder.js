// Recording in the browser: the microphone's take is decoded and written as a 16 kHz mono WAV
// into the form's file field, so it is uploaded and checked exactly like a chosen file.
(() => {
  const box = document.getElementById('recorder');
  if (!box || !window.MediaRecorder || !navigator.mediaDevices || !window.DataTransfer) return;
  const input = box.closest('form').querySelector('input[type=file]');
  const start = document.getElementById('rec-start');
  const stop = document.getElementById('rec-stop');
  const status = document.getElementById('rec-status');
  const preview = document.getElementById('rec-preview');
  const RATE = Number(box.dataset.rate);
  let recorder = null;
  let timer = 0;
  const say = (key) => { status.textContent = box.dataset[key]; };
  box.hidden = false;

  async function toWav(encoded) {
    const context = new AudioContext();
    const decoded = await context.decodeAudioData(encoded);
    context.close();
    const offline = new OfflineAudioContext(1, Math.ceil(decoded.duration * RATE), RATE);
    const source = offline.createBufferSource();
    source.buffer = decoded;
    source.connect(offline.destination);
    source.start();
    const pcm = (await offline.startRendering()).getChannelData(0);
    const out = new DataView(new ArrayBuffer(44 + pcm.length * 2));
    const ascii = (at, s) => [...s].forEach((c, i) => out.setUint8(at + i, c.charCodeAt(0)));
    ascii(0, 'RIFF'); out.setUint32(4, 36 + pcm.length * 2, true); ascii(8, 'WAVE');
    ascii(12, 'fmt '); out.setUint32(16, 16, true); out.setUint16(20, 1, true);
    out.setUint16(22, 1, true); out.setUint32(24, RATE, true); out.setUint32(28, RATE * 2, true);
    out.setUint16(32, 2, true); out.setUint16(34, 16, true);
    ascii(36, 'data'); out.setUint32(40, pcm.length * 2, true);
    pcm.forEach((v, i) => out.setInt16(44 + i * 2, Math.max(-1, Math.min(1, v)) * 0x7fff, true));
    return out.buffer;
  }

  start.addEventListener('click', async () => {
    let stream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({audio: true});
    } catch (e) {
      say('denied');
      return;
    }
    const chunks = [];
    recorder = new MediaRecorder(stream);
    recorder.ondataavailable = (e) => chunks.push(e.data);
    recorder.onstop = async () => {
      clearTimeout(timer);
      stream.getTracks().forEach((t) => t.stop());
      start.disabled = false;
      stop.disabled = true;
      try {
        const wav = await toWav(await new Blob(chunks).arrayBuffer());
        const file = new File([wav], 'recording.wav', {type: 'audio/wav'});
        const chosen = new DataTransfer();
        chosen.items.add(file);
        input.files = chosen.files;
        preview.src = URL.createObjectURL(file);
        preview.hidden = false;
        say('ready');
      } catch (e) {
        say('failed');
      }
    };
    recorder.start();
    start.disabled = true;
    stop.disabled = false;
    say('recording');
    timer = setTimeout(() => recorder.state === 'recording' && recorder.stop(),
                       Number(box.dataset.seconds) * 1000);
  });
  stop.addEventListener('click', () => {
    if (recorder && recorder.state === 'recording') recorder.stop();
  });
})();
