package app.samtal.android.platform

import android.app.Notification
import android.app.NotificationChannel
import android.app.NotificationManager
import android.app.PendingIntent
import android.app.Service
import android.content.Context
import android.content.Intent
import android.content.pm.ServiceInfo
import android.os.IBinder
import app.samtal.android.R
import app.samtal.android.graph
import app.samtal.android.ui.MainActivity

/**
 * Keeps the microphone allowed while a meeting is recorded: a foreground service of type
 * microphone, so the recording goes on when the screen turns or another app is in front.
 * Its notification says only that Samtal records; never who or what.
 */
class RecordingService : Service() {
    override fun onBind(intent: Intent?): IBinder? = null

    override fun onStartCommand(intent: Intent?, flags: Int, startId: Int): Int {
        val paused = intent?.getBooleanExtra(EXTRA_PAUSED, false) ?: false
        startForeground(NOTIFICATION_ID, notification(this, paused), ServiceInfo.FOREGROUND_SERVICE_TYPE_MICROPHONE)
        graph.recording.onForeground()
        return START_NOT_STICKY
    }

    companion object {
        const val NOTIFICATION_ID = 1
        private const val CHANNEL = "recording"
        private const val EXTRA_PAUSED = "paused"

        fun start(context: Context) {
            context.startForegroundService(Intent(context, RecordingService::class.java))
        }

        /** Shows whether the recording runs or is paused. */
        fun update(context: Context, paused: Boolean) {
            context.getSystemService(NotificationManager::class.java)
                .notify(NOTIFICATION_ID, notification(context, paused))
        }

        fun notification(context: Context, paused: Boolean): Notification {
            val manager = context.getSystemService(NotificationManager::class.java)
            manager.createNotificationChannel(
                NotificationChannel(CHANNEL, context.getString(R.string.notification_channel), NotificationManager.IMPORTANCE_LOW),
            )
            val open = PendingIntent.getActivity(
                context, 0, Intent(context, MainActivity::class.java), PendingIntent.FLAG_IMMUTABLE,
            )
            return Notification.Builder(context, CHANNEL)
                .setSmallIcon(R.drawable.ic_samtal)
                .setContentTitle(context.getString(R.string.app_name))
                .setContentText(context.getString(if (paused) R.string.notification_paused else R.string.notification_recording))
                .setContentIntent(open)
                .setOngoing(true)
                .setVisibility(Notification.VISIBILITY_PUBLIC)
                .setCategory(Notification.CATEGORY_SERVICE)
                .build()
        }
    }
}
