using HandMesh.Client.Core.Protocol;
using HandMesh.Client.Core.Streaming;
using UnityEngine;

namespace HandMesh.Client
{
    /// <summary>
    /// Unity as the camera: grabs WebCamTexture frames, encodes them as JPEG and sends them to
    /// the server as <c>frame</c> messages of its own stream, stamped with the engine clock,
    /// so end-to-end latency is measured on one clock. Sends at most <see cref="MaxFps"/>, and
    /// only frames the camera actually updated; a frame that cannot be sent (no server) is
    /// dropped, never queued.
    /// </summary>
    public sealed class WebcamSender : MonoBehaviour
    {
        public HandMeshClientBehaviour Hands;
        public string Stream = "unity-webcam";
        [Tooltip("Webcam name; empty: the first one")]
        public string Device = "";
        public int RequestedWidth = 640;
        public int RequestedHeight = 480;
        public float MaxFps = 30;
        [Range(1, 100)] public int JpegQuality = 80;

        WebCamTexture webcam;
        Texture2D staging;
        Color32[] pixels;
        ulong seq;
        float nextSendTime;

        void Start()
        {
            if (WebCamTexture.devices.Length == 0)
            {
                Debug.LogWarning("HandMesh: no webcam found; the webcam sender is off");
                enabled = false;
                return;
            }
            string device = string.IsNullOrEmpty(Device) ? WebCamTexture.devices[0].name : Device;
            webcam = new WebCamTexture(device, RequestedWidth, RequestedHeight, Mathf.CeilToInt(MaxFps));
            webcam.Play();
        }

        void Update()
        {
            if (webcam == null || !webcam.didUpdateThisFrame || Time.unscaledTime < nextSendTime || webcam.width < 16) return;
            nextSendTime = Time.unscaledTime + 1f / MaxFps;
            long captured = EngineClock.NowNs();
            if (staging == null || staging.width != webcam.width || staging.height != webcam.height)
            {
                staging = new Texture2D(webcam.width, webcam.height, TextureFormat.RGB24, false);
                pixels = new Color32[webcam.width * webcam.height];
            }
            webcam.GetPixels32(pixels);
            if (webcam.videoVerticallyMirrored) FlipRows(pixels, webcam.width, webcam.height);
            staging.SetPixels32(pixels);
            staging.Apply(false);
            var frame = new Frame
            {
                Stream = Stream,
                Seq = seq,
                TCaptureNs = captured,
                Image = new Image { Format = "jpeg", Data = staging.EncodeToJPG(JpegQuality), Width = webcam.width, Height = webcam.height },
            };
            if (Hands.Client != null && Hands.Client.SendFrame(frame)) seq++;
        }

        static void FlipRows(Color32[] image, int width, int height)
        {
            for (int top = 0, bottom = height - 1; top < bottom; top++, bottom--)
            {
                for (int x = 0; x < width; x++)
                {
                    Color32 swap = image[top * width + x];
                    image[top * width + x] = image[bottom * width + x];
                    image[bottom * width + x] = swap;
                }
            }
        }

        void OnDestroy()
        {
            if (webcam != null) webcam.Stop();
        }
    }
}
