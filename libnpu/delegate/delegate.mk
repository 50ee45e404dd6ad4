# libnpu-tflite.so, the TFLite external delegate (Documentation/tflite-delegate.rst).
# Included by libnpu/Makefile.  Built against libnpu.so; exports only the
# two external-delegate entry points.
DELEGATE_SRCS := $(sort $(wildcard $(LIBNPU_DIR)/delegate/*.c))
DELEGATE_OBJS := $(patsubst $(LIBNPU_DIR)/%.c,$(OBJDIR)/%.o,$(DELEGATE_SRCS))
# libnpu's clock (the trace events' CLOCK_MONOTONIC) and the TFLite
# reader's densifier (sparse constants, tflite/sparsity.c), built in:
# private helpers, not part of libnpu's exported API.
DELEGATE_LINK_OBJS := $(DELEGATE_OBJS) $(OBJDIR)/util/clock.o \
	$(OBJDIR)/tflite/sparsity.o $(OBJDIR)/tflite/fb.o $(OBJDIR)/util/message.o
DELEGATE_SO := $(LIBOUT)/libnpu-tflite.so

$(DELEGATE_OBJS): CFLAGS += -fvisibility=hidden

# A plugin, dlopen()ed by path or name: no SONAME (nothing links against it).
# Finds libnpu.so.0 next to itself wherever both are installed ($ORIGIN).
# --no-undefined catches a missing symbol at build time; a sanitized build
# (the sanitizer lane's LDFLAGS) leaves the runtime's symbols to the program.
NO_UNDEFINED := $(if $(findstring -fsanitize,$(LDFLAGS)),,-Wl,--no-undefined)
$(DELEGATE_SO): $(DELEGATE_LINK_OBJS) $(LIBOUT)/$(SONAME)
	$(CC) -shared -Wl,-rpath,'$$ORIGIN' $(NO_UNDEFINED) \
		$(LDFLAGS) -o $@ $(DELEGATE_LINK_OBJS) -L$(LIBOUT) -l:$(SONAME) -lpthread

all: $(DELEGATE_SO)

# A distribution puts the plugin in a private directory (Debian:
# DELEGATEDIR=/usr/lib/<triplet>/npu, debian/rules).
DELEGATEDIR ?= $(LIBDIR)

install: install-delegate
.PHONY: install-delegate
install-delegate: $(DELEGATE_SO)
	install -d $(DESTDIR)$(DELEGATEDIR)
	install -m 0755 $(DELEGATE_SO) $(DESTDIR)$(DELEGATEDIR)/libnpu-tflite.so

-include $(DELEGATE_OBJS:.o=.d)

clean: clean-delegate
.PHONY: clean-delegate
clean-delegate:
	rm -f $(DELEGATE_SO)
