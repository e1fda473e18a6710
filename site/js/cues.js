// cues.js: a short sound and vibration per verdict, so that staff notice the
// result without reading it. Tones are synthesised (no audio files).

let audio = null;

// One per shown verdict (verdict.js VERDICTS); "not-a-pass" is a short,
// quiet blip: nothing to act on but scanning again.
const TONES = {
  valid: [[880, 0.12]],
  invalid: [[220, 0.18], [0, 0.06], [220, 0.18]],
  "cannot-check": [[440, 0.15], [0, 0.06], [330, 0.15]],
  "not-a-pass": [[330, 0.08]],
};
const VIBRATION = { valid: [80], invalid: [200, 100, 200], "cannot-check": [120, 80, 120], "not-a-pass": [40] };

/** cue plays the sound and vibration for a shown verdict. */
export function cue(state) {
  try {
    if (navigator.vibrate) navigator.vibrate(VIBRATION[state] || []);
  } catch {
    // Vibration is optional.
  }
  try {
    const Ctx = globalThis.AudioContext || globalThis.webkitAudioContext;
    if (!Ctx) return;
    if (!audio) audio = new Ctx();
    if (audio.state === "suspended") audio.resume();
    let at = audio.currentTime + 0.01;
    for (const [freq, dur] of TONES[state] || []) {
      if (freq > 0) {
        const osc = audio.createOscillator();
        const gain = audio.createGain();
        osc.frequency.value = freq;
        osc.type = "sine";
        gain.gain.setValueAtTime(0.0001, at);
        gain.gain.exponentialRampToValueAtTime(0.3, at + 0.01);
        gain.gain.exponentialRampToValueAtTime(0.0001, at + dur);
        osc.connect(gain).connect(audio.destination);
        osc.start(at);
        osc.stop(at + dur + 0.02);
      }
      at += dur;
    }
  } catch {
    // Sound is optional: a page without audio still shows the verdict.
  }
}
