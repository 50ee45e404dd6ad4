// SPDX-License-Identifier: MIT
/*
 * Camera to NPU without a copy: captures grayscale frames from a V4L2
 * device (on the test VM, Debian's vivid test driver), exports each capture
 * buffer as a dma-buf (VIDIOC_EXPBUF), binds it as the model's input (the
 * NPU reads the frame where the camera wrote it), runs the model on every
 * frame and prints a verdict per frame and the frame rate.
 *
 * usage: npu-camera [-d /dev/videoN] [-i INPUT] [-n FRAMES] [-m MEAN]
 *                   [-s STD] [-l LABEL,LABEL...] MODEL
 *
 * The model's input must be [1, H, W, 1] int8 or uint8 (e.g. person_detect,
 * 96x96); the device must deliver H x W V4L2_PIX_FMT_GREY frames with no
 * row padding.  Pixels p are mapped to the input's quantization as TFLite's
 * label_image does, real = (p - MEAN) / STD (default 127.5 and 127.5),
 * q = round(real / scale) + zero_point: a 256-entry table applied in place
 * in the capture buffer, skipped when it is the identity.
 */
#include <errno.h>
#include <getopt.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include <linux/dma-buf.h>
#include <linux/videodev2.h>

#include <npu_model.h>

#define NUM_BUFS 4

struct frame {
	int fd;		/* dma-buf of the capture buffer */
	uint8_t *map;	/* its CPU mapping, for the quantization table */
	size_t len;
};

struct camera {
	int fd;
	struct frame frames[NUM_BUFS];
	unsigned int count;
};

static int xioctl(int fd, unsigned long req, void *arg)
{
	int r;

	do
		r = ioctl(fd, req, arg);
	while (r < 0 && errno == EINTR);
	return r < 0 ? -errno : 0;
}

static int fail(const char *what, int err)
{
	fprintf(stderr, "npu-camera: %s: %s\n", what, npu_strerror(err));
	return 1;
}

/* Opens the device for w x h GREY capture into NUM_BUFS exported buffers. */
static int camera_open(struct camera *cam, const char *path, int input,
		       int w, int h)
{
	struct v4l2_capability cap = { 0 };
	struct v4l2_format fmt = { .type = V4L2_BUF_TYPE_VIDEO_CAPTURE };
	struct v4l2_requestbuffers req = {
		.count = NUM_BUFS, .type = V4L2_BUF_TYPE_VIDEO_CAPTURE,
		.memory = V4L2_MEMORY_MMAP,
	};
	int ret;

	cam->fd = open(path, O_RDWR | O_CLOEXEC);
	if (cam->fd < 0)
		return -errno;
	ret = xioctl(cam->fd, VIDIOC_QUERYCAP, &cap);
	if (ret)
		return ret;
	if (!(cap.device_caps & V4L2_CAP_VIDEO_CAPTURE) ||
	    !(cap.device_caps & V4L2_CAP_STREAMING)) {
		fprintf(stderr, "npu-camera: %s (%s) cannot stream video capture\n",
			path, (const char *)cap.card);
		return -ENOTSUP;
	}
	if (input >= 0 && (ret = xioctl(cam->fd, VIDIOC_S_INPUT, &input)))
		return ret;
	fmt.fmt.pix.width = w;
	fmt.fmt.pix.height = h;
	fmt.fmt.pix.pixelformat = V4L2_PIX_FMT_GREY;
	fmt.fmt.pix.field = V4L2_FIELD_NONE;
	fmt.fmt.pix.bytesperline = w;
	ret = xioctl(cam->fd, VIDIOC_S_FMT, &fmt);
	if (ret)
		return ret;
	if (fmt.fmt.pix.width != (uint32_t)w || fmt.fmt.pix.height != (uint32_t)h ||
	    fmt.fmt.pix.pixelformat != V4L2_PIX_FMT_GREY ||
	    fmt.fmt.pix.bytesperline != (uint32_t)w) {
		fprintf(stderr, "npu-camera: %s gives %ux%u (%u bytes a line) of "
			"%.4s, the model needs %dx%d GREY\n", path,
			fmt.fmt.pix.width, fmt.fmt.pix.height,
			fmt.fmt.pix.bytesperline,
			(const char *)&fmt.fmt.pix.pixelformat, w, h);
		return -ENOTSUP;
	}
	ret = xioctl(cam->fd, VIDIOC_REQBUFS, &req);
	if (ret)
		return ret;
	for (cam->count = 0; cam->count < req.count && cam->count < NUM_BUFS;
	     cam->count++) {
		struct frame *f = &cam->frames[cam->count];
		struct v4l2_exportbuffer exp = {
			.type = V4L2_BUF_TYPE_VIDEO_CAPTURE,
			.index = cam->count, .flags = O_RDWR | O_CLOEXEC,
		};
		struct v4l2_buffer buf = {
			.type = V4L2_BUF_TYPE_VIDEO_CAPTURE,
			.memory = V4L2_MEMORY_MMAP, .index = cam->count,
		};

		ret = xioctl(cam->fd, VIDIOC_QUERYBUF, &buf);
		if (!ret)
			ret = xioctl(cam->fd, VIDIOC_EXPBUF, &exp);
		if (ret)
			return ret;
		f->fd = exp.fd;
		f->len = buf.length;
		f->map = mmap(NULL, f->len, PROT_READ | PROT_WRITE, MAP_SHARED,
			      f->fd, 0);
		if (f->map == MAP_FAILED) {
			f->map = NULL;
			return -errno;
		}
		ret = xioctl(cam->fd, VIDIOC_QBUF, &buf);
		if (ret)
			return ret;
	}
	return xioctl(cam->fd, VIDIOC_STREAMON, &req.type);
}

static void camera_close(struct camera *cam)
{
	int type = V4L2_BUF_TYPE_VIDEO_CAPTURE;

	if (cam->fd < 0)
		return;
	xioctl(cam->fd, VIDIOC_STREAMOFF, &type);
	for (unsigned int i = 0; i < cam->count; i++) {
		if (cam->frames[i].map)
			munmap(cam->frames[i].map, cam->frames[i].len);
		close(cam->frames[i].fd);
	}
	close(cam->fd);
}

/* Pixel to input value; returns whether the table is the identity. */
static int make_table(const struct npu_tensor_info *in, double mean,
		      double std, uint8_t table[256])
{
	int lo = strcmp(in->type_name, "int8") ? 0 : -128, identity = 1;

	for (int p = 0; p < 256; p++) {
		double q = in->scale ? ((p - mean) / std) / in->scale + in->zero_point : p;
		long v = lrint(q);

		v = v < lo ? lo : v > lo + 255 ? lo + 255 : v;
		table[p] = (uint8_t)v;
		identity &= table[p] == p;
	}
	return identity;
}

static int map_in_place(struct frame *f, size_t bytes, const uint8_t table[256])
{
	struct dma_buf_sync sync = { DMA_BUF_SYNC_START | DMA_BUF_SYNC_RW };
	int ret = xioctl(f->fd, DMA_BUF_IOCTL_SYNC, &sync);

	if (ret)
		return ret;
	for (size_t i = 0; i < bytes; i++)
		f->map[i] = table[f->map[i]];
	sync.flags = DMA_BUF_SYNC_END | DMA_BUF_SYNC_RW;
	return xioctl(f->fd, DMA_BUF_IOCTL_SYNC, &sync);
}

/* The label (or number) of the best-scoring output and its score. */
static void verdict(struct npu_model *model, const char *labels, char *out,
		    size_t len)
{
	struct npu_tensor_info info;
	const uint8_t *s;
	size_t n, best = 0;
	int flip;

	if (npu_model_output_info(model, 0, &info) ||
	    npu_model_output(model, 0, (const void **)&s, &n) || !n) {
		snprintf(out, len, "no output");
		return;
	}
	flip = strcmp(info.type_name, "int8") ? 0 : 0x80;
	for (size_t i = 1; i < n; i++)
		if ((s[i] ^ flip) > (s[best] ^ flip))
			best = i;
	const char *l = labels;

	for (size_t i = 0; l && i < best; i++) {
		l = strchr(l, ',');
		l = l ? l + 1 : NULL;
	}
	if (l)
		snprintf(out, len, "%.*s", (int)strcspn(l, ","), l);
	else
		snprintf(out, len, "class %zu", best);
	snprintf(out + strlen(out), len - strlen(out), " (%.2f)",
		 ((int)(flip ? (int8_t)s[best] : s[best]) - info.zero_point) *
			 (double)info.scale);
}

static int usage(void)
{
	fprintf(stderr, "usage: npu-camera [-d /dev/videoN] [-i INPUT] [-n FRAMES] "
		"[-m MEAN] [-s STD] [-l LABEL,...] MODEL\n");
	return 2;
}

int main(int argc, char **argv)
{
	const char *path = "/dev/video0", *labels = NULL;
	struct camera cam = { .fd = -1 };
	struct npu_device *dev = NULL;
	struct npu_model *model = NULL;
	struct npu_tensor_info in;
	double mean = 127.5, std = 127.5;
	int input = -1, frames = 30, opt, ret, identity;
	uint8_t table[256];
	struct timespec t0, t1;

	while ((opt = getopt(argc, argv, "d:i:n:m:s:l:")) != -1) {
		if (opt == 'd')
			path = optarg;
		else if (opt == 'i')
			input = atoi(optarg);
		else if (opt == 'n')
			frames = atoi(optarg);
		else if (opt == 'm')
			mean = atof(optarg);
		else if (opt == 's')
			std = atof(optarg);
		else if (opt == 'l')
			labels = optarg;
		else
			return usage();
	}
	if (optind != argc - 1 || frames <= 0 || std == 0)
		return usage();
	npu_device_open(NULL, &dev);	/* no NPU: the CPU runs the model */
	ret = npu_model_open(dev, argv[optind], NULL, &model);
	if (ret)
		return fail(argv[optind], ret);
	ret = npu_model_input_info(model, 0, &in);
	if (ret || in.rank != 4 || in.shape[0] != 1 || in.shape[3] != 1 ||
	    (strcmp(in.type_name, "int8") && strcmp(in.type_name, "uint8"))) {
		fprintf(stderr, "npu-camera: the model's input is not [1,H,W,1] int8/uint8\n");
		ret = 1;
		goto out;
	}
	identity = make_table(&in, mean, std, table);
	ret = camera_open(&cam, path, input, in.shape[2], in.shape[1]);
	if (ret) {
		ret = fail(path, ret);
		goto out;
	}
	printf("%s: %dx%d GREY, %u buffers as dma-bufs, model on %s%s\n", path,
	       in.shape[2], in.shape[1], cam.count,
	       dev ? npu_device_path(dev) : "CPU",
	       identity ? "" : ", pixels mapped in place");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int i = 0; i < frames; i++) {
		struct v4l2_buffer buf = {
			.type = V4L2_BUF_TYPE_VIDEO_CAPTURE,
			.memory = V4L2_MEMORY_MMAP,
		};
		struct pollfd pfd = { .fd = cam.fd, .events = POLLIN };
		struct frame *f;
		char what[128];

		if (poll(&pfd, 1, 5000) <= 0) {
			ret = fail("waiting for a frame", -ETIMEDOUT);
			goto out;
		}
		ret = xioctl(cam.fd, VIDIOC_DQBUF, &buf);
		if (ret || buf.index >= cam.count) {
			ret = fail("VIDIOC_DQBUF", ret ? ret : -EIO);
			goto out;
		}
		f = &cam.frames[buf.index];
		if ((!identity && (ret = map_in_place(f, in.bytes, table))) ||
		    (ret = npu_model_bind_input_dmabuf(model, 0, f->fd, 0)) ||
		    (ret = npu_model_invoke(model))) {
			fprintf(stderr, "npu-camera: frame %d: %s %s\n", i,
				npu_strerror(ret), npu_model_error(model));
			ret = 1;
			goto out;
		}
		verdict(model, labels, what, sizeof(what));
		printf("frame %d: %s\n", i, what);
		ret = xioctl(cam.fd, VIDIOC_QBUF, &buf);
		if (ret) {
			ret = fail("VIDIOC_QBUF", ret);
			goto out;
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double secs = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;

	printf("%d frames in %.2f s: %.1f frames/s\n", frames, secs, frames / secs);
	ret = 0;
out:
	if (model)
		npu_model_bind_input_dmabuf(model, 0, -1, 0);
	camera_close(&cam);
	npu_model_close(model);
	npu_device_close(dev);
	return ret;
}
