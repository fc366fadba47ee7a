"""Generation at the receiver: face meshes from transmitted parameters, the video renderer (reference-frame
warping with a real mouth interior), speech synthesis and the audio-to-face models (DESIGN.md, Semantic
layer)."""
