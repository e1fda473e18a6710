package qrimage

// scratch holds the buffers of one decode that a [Scanner] keeps from one
// frame to the next: the gray image, the thresholds of its two bitmaps,
// and the finder search's row, runs and clusters. The images the full
// ladder derives (padding, upscales, the negative) are not kept: frames
// do not climb that far.
type scratch struct {
	gray    gray
	bm      [2]bitmap
	gate    [2]bitmap // the look for a code's
	have    []byte
	black   []int32
	rowSums []int32
	runs    []int
	cl      clusters
}
