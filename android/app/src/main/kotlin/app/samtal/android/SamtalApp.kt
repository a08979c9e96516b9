package app.samtal.android

import android.app.Application
import android.content.Context

/** Holds the process-wide [AppGraph]. */
class SamtalApp : Application() {
    lateinit var graph: AppGraph
        internal set

    override fun onCreate() {
        super.onCreate()
        graph = AppGraph(this)
    }
}

val Context.graph: AppGraph get() = (applicationContext as SamtalApp).graph
